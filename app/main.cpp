// chord: the desktop app's entry point. See command_line.h for the options.
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QtQml/qqmlextensionplugin.h>
#include <cstdio>
#include <cstring>

#include "app_core.h"
#include "app_log.h"
#include "app_settings.h"
#include "command_line.h"
#include "generation_bench.h"
#include "model_controller.h"
#include "screenshot_tour.h"
#include "self_test.h"
#include "single_instance.h"

Q_IMPORT_QML_PLUGIN(ChordPlugin)

namespace {

// Modes that never show a window (self-test, --version, --help) run offscreen unless the caller chose a
// platform, so they work without a display (installer tests, ssh).
void useOffscreenForHeadlessModes(int argc, char** argv) {
    if (!qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) return;
    for (int i = 1; i < argc; ++i) {
        for (const char* option : {"--self-test", "--bench-generate", "--version", "-v", "--help", "-h", "--help-all"}) {
            if (std::strcmp(argv[i], option) == 0) {
                qputenv("QT_QPA_PLATFORM", "offscreen");
                return;
            }
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    useOffscreenForHeadlessModes(argc, argv);
    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationName(QStringLiteral("chord"));
    QGuiApplication::setOrganizationName(QStringLiteral("chord"));
    QGuiApplication::setApplicationDisplayName(QStringLiteral("Chord"));
    QGuiApplication::setApplicationVersion(QStringLiteral(CHORD_APP_VERSION));
    // The installed launcher's id (installers/linux/org.chordapp.Chord.desktop): Wayland compositors and
    // docks match windows to the launcher, its icon and name, by this.
    QGuiApplication::setDesktopFileName(QStringLiteral("org.chordapp.Chord"));
    QQuickStyle::setStyle(QStringLiteral("Basic"));

    const chord::app::CommandLine cl = chord::app::parseCommandLine(app);
    if (cl.selfTest) return chord::app::runSelfTest(cl.modelPath);
    if (cl.benchTokens > 0)
        return chord::app::runGenerationBench({cl.modelPath, cl.benchTokens, cl.benchRuns, cl.threads});
    if (!cl.screenshotDir.isEmpty()) return chord::app::runScreenshotTour(cl.screenshotDir, cl.modelPath);

    chord::app::SingleInstance instance(chord::app::SingleInstance::defaultServerName());
    if (instance.sendToPrimary(cl.modelPath)) {
        std::printf("Chord is already running; %s\n",
                    cl.modelPath.isEmpty() ? "brought it to the front." : "opened the model there.");
        return 0;
    }
    instance.listen();

    const QString logFile = chord::app::installLogging(QStringLiteral("info"));
    chord::app::AppCore core({{}, {}, logFile});
    chord::app::setLogLevel(core.settings()->logLevel());

    QQmlApplicationEngine engine;
    QQuickWindow* window = chord::app::showMainWindow(engine, core);
    if (!window) return 1;
    QObject::connect(&instance, &chord::app::SingleInstance::activationRequested, &core, [&](const QString& file) {
        core.openFile(file);
        window->show();
        window->raise();
        window->requestActivate();
    });
    if (!cl.modelPath.isEmpty()) core.openFile(cl.modelPath);
    else core.models()->loadDefault();
    return QGuiApplication::exec();
}
