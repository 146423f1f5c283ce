#include "self_test.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QQmlApplicationEngine>
#include <QTemporaryDir>
#include <QThread>
#include <cstdio>

#include "app_core.h"
#include "app_settings.h"
#include "chat_controller.h"
#include "default_model.h"
#include "message_model.h"
#include "model_controller.h"
#include "system_monitor.h"

namespace chord::app {

bool waitUntil(const std::function<bool()>& done, int timeoutMs) {
    QElapsedTimer timer;
    timer.start();
    while (!done()) {
        if (timer.elapsed() > timeoutMs) return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        QThread::msleep(2);
    }
    return true;
}

int runSelfTest(const QString& modelPath) {
    const QString model = modelPath.isEmpty() ? defaultModelPath() : modelPath;
    if (model.isEmpty()) {
        std::fprintf(stderr, "chord self-test: the bundled model %s was not found; pass --model FILE\n",
                     kDefaultModelFile);
        return 2;
    }
    QTemporaryDir scratch;
    AppCore core({scratch.filePath(QStringLiteral("chats.sqlite")), scratch.filePath(QStringLiteral("settings.ini")), {}});
    core.settings()->setTemperature(0.0);
    core.settings()->setMaxTokens(24);

    QQmlApplicationEngine engine;
    if (!showMainWindow(engine, core)) {
        std::fprintf(stderr, "chord self-test: the user interface failed to load (missing QML modules?)\n");
        return 3;
    }
    ModelController& models = *core.models();
    if (!models.load(model) ||
        !waitUntil([&] { return !models.loading(); }, 120000) || !models.loaded()) {
        std::fprintf(stderr, "chord self-test: could not load %s: %s\n", qPrintable(model),
                     qPrintable(models.errorMessage()));
        return 4;
    }
    bool finished = false;
    GenerationReport report;
    QObject::connect(core.chat(), &ChatController::replyFinished, [&](const GenerationReport& r) {
        report = r;
        finished = true;
    });
    if (!core.chat()->send(QStringLiteral("Once upon a time")) || !waitUntil([&] { return finished; }, 120000)) {
        std::fprintf(stderr, "chord self-test: generation did not finish: %s\n", qPrintable(core.chat()->errorMessage()));
        return 5;
    }
    const MessageModel& messages = core.messageModel();
    const QString reply = messages.rowCount() > 0 ? messages.at(messages.rowCount() - 1).content : QString();
    std::printf("chord %s self-test\nmodel: %s\nSIMD backend: %s\nattention: %s\nreply (%d tokens, %.1f tok/s): "
                "Once upon a time%s\n",
                qPrintable(core.version()), qPrintable(model), qPrintable(core.monitor()->simdBackend()),
                qPrintable(core.monitor()->attentionBackend()), report.generatedTokens,
                report.generationTokensPerSecond, qPrintable(reply));
    std::fflush(stdout);
    return report.generatedTokens > 0 && !reply.isEmpty() ? 0 : 1;
}

}  // namespace chord::app
