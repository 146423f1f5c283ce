#include "screenshot_tour.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <cstdio>

#include "app_core.h"
#include "app_settings.h"
#include "chat_controller.h"
#include "default_model.h"
#include "model_controller.h"
#include "self_test.h"

namespace chord::app {

namespace {

bool save(QQuickWindow& window, const QString& path) {
    waitUntil([] { return false; }, 300);  // let animations and layouts settle
    const QImage image = window.grabWindow();
    if (image.isNull() || !image.save(path)) {
        std::fprintf(stderr, "chord: could not save %s\n", qPrintable(path));
        return false;
    }
    std::printf("saved %s (%dx%d)\n", qPrintable(path), image.width(), image.height());
    return true;
}

}  // namespace

int runScreenshotTour(const QString& directory, const QString& modelPath) {
    const QString model = modelPath.isEmpty() ? defaultModelPath() : modelPath;
    if (model.isEmpty()) {
        std::fprintf(stderr, "chord: no model to show; pass --model FILE\n");
        return 2;
    }
    QDir().mkpath(directory);
    QTemporaryDir scratch;
    AppCore core({scratch.filePath(QStringLiteral("chats.sqlite")), scratch.filePath(QStringLiteral("settings.ini")), {}});
    AppSettings& settings = *core.settings();
    settings.setTheme(QStringLiteral("light"));
    settings.setTemperature(0.0);
    settings.setMaxTokens(120);

    QQmlApplicationEngine engine;
    QQuickWindow* window = showMainWindow(engine, core);
    if (!window) return 3;
    window->resize(1280, 800);
    ModelController& models = *core.models();
    if (!models.load(model) || !waitUntil([&] { return !models.loading(); }, 120000) || !models.loaded()) {
        std::fprintf(stderr, "chord: could not load %s: %s\n", qPrintable(model), qPrintable(models.errorMessage()));
        return 4;
    }
    ChatController& chat = *core.chat();
    chat.send(QStringLiteral("Once upon a time, a little robot"));
    waitUntil([&] { return !chat.generating(); }, 120000);
    chat.send(QStringLiteral("The next day"));
    waitUntil([&] { return !chat.generating(); }, 120000);

    bool ok = save(*window, QDir(directory).filePath(QStringLiteral("main-light.png")));
    settings.setTheme(QStringLiteral("dark"));
    ok = save(*window, QDir(directory).filePath(QStringLiteral("main-dark.png"))) && ok;
    settings.setTheme(QStringLiteral("light"));
    QMetaObject::invokeMethod(window, "openSettings");
    ok = save(*window, QDir(directory).filePath(QStringLiteral("settings.png"))) && ok;
    QMetaObject::invokeMethod(window, "closeSettings");

    // An error state: a file that is not a model. The loaded model stays usable behind the message.
    const QString bad = scratch.filePath(QStringLiteral("notes-not-a-model.gguf"));
    QFile junk(bad);
    if (junk.open(QIODevice::WriteOnly)) junk.write("These are my notes, not a language model.\n");
    junk.close();
    models.load(bad);
    waitUntil([&] { return !models.loading(); }, 30000);
    ok = save(*window, QDir(directory).filePath(QStringLiteral("error.png"))) && ok;
    return ok ? 0 : 1;
}

}  // namespace chord::app
