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
    const QCommandLineOption bench(QStringLiteral("bench-generate"),
                                   QStringLiteral("Measure the app's generation speed offscreen: generate <n> tokens "
                                                  "per run, print tokens/s, exit (compare with chord-bench -n <n>)."),
                                   QStringLiteral("n"));
    const QCommandLineOption runs(QStringLiteral("runs"), QStringLiteral("Runs of --bench-generate (default 3)."),
                                  QStringLiteral("r"), QStringLiteral("3"));
    const QCommandLineOption threads(QStringLiteral("threads"), QStringLiteral("Threads for --bench-generate."),
                                     QStringLiteral("t"), QStringLiteral("0"));
    parser.addOptions({model, selfTest, screenshots, bench, runs, threads});
    parser.addPositionalArgument(QStringLiteral("file.gguf"), QStringLiteral("A model to open."), QStringLiteral("[file.gguf]"));
    parser.process(app);

    CommandLine cl;
    cl.modelPath = parser.value(model);
    if (cl.modelPath.isEmpty() && !parser.positionalArguments().isEmpty())
        cl.modelPath = parser.positionalArguments().constFirst();
    if (!cl.modelPath.isEmpty()) cl.modelPath = QFileInfo(cl.modelPath).absoluteFilePath();
    cl.selfTest = parser.isSet(selfTest);
    cl.screenshotDir = parser.value(screenshots);
    cl.benchTokens = parser.value(bench).toInt();
    cl.benchRuns = parser.value(runs).toInt();
    cl.threads = parser.value(threads).toInt();
    return cl;
}

}  // namespace chord::app
