#include "command_line.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>

namespace chord::app {

CommandLine parseCommandLine(const QCoreApplication& app) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Chord: private chat with a local language model on your own CPU."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption model(QStringLiteral("model"), QStringLiteral("Open the GGUF model <file>."),
                                   QStringLiteral("file"));
    const QCommandLineOption selfTest(QStringLiteral("self-test"),
                                      QStringLiteral("Load the model without a window, generate a few tokens, print "
                                                     "them and exit (0 on success)."));
    const QCommandLineOption screenshots(QStringLiteral("screenshot-dir"),
                                         QStringLiteral("Save screenshots of the main window (light and dark), the "
                                                        "settings page and an error state to <dir>, then exit."),
                                         QStringLiteral("dir"));
    parser.addOptions({model, selfTest, screenshots});
    parser.addPositionalArgument(QStringLiteral("file.gguf"), QStringLiteral("A model to open."), QStringLiteral("[file.gguf]"));
    parser.process(app);

    CommandLine cl;
    cl.modelPath = parser.value(model);
    if (cl.modelPath.isEmpty() && !parser.positionalArguments().isEmpty())
        cl.modelPath = parser.positionalArguments().constFirst();
    if (!cl.modelPath.isEmpty()) cl.modelPath = QFileInfo(cl.modelPath).absoluteFilePath();
    cl.selfTest = parser.isSet(selfTest);
    cl.screenshotDir = parser.value(screenshots);
    return cl;
}

}  // namespace chord::app
