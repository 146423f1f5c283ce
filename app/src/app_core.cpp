#include "app_core.h"

#include <QFileInfo>
#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <spdlog/spdlog.h>

#include "app_log.h"
#include "app_settings.h"
#include "chat_controller.h"
#include "chat_store.h"
#include "conversation_list_model.h"
#include "engine_worker.h"
#include "message_model.h"
#include "model_controller.h"
#include "system_monitor.h"

namespace chord::app {

AppCore::AppCore(const Paths& paths, QObject* parent) : QObject(parent), paths_(paths) {
    settings_ = paths.settingsFile.isEmpty() ? std::make_unique<AppSettings>()
                                             : std::make_unique<AppSettings>(paths.settingsFile);
    store_ = std::make_unique<ChatStore>(paths.database.isEmpty() ? ChatStore::defaultPath() : paths.database);
    // One instance runs (SingleInstance), so a reply still marked streaming was cut off last time.
    if (const int n = store_->markInterruptedReplies()) spdlog::info("{} interrupted replies marked", n);
    conversations_ = std::make_unique<ConversationListModel>(*store_);
    messages_ = std::make_unique<MessageModel>();
    monitor_ = std::make_unique<SystemMonitor>();

    worker_ = new EngineWorker;
    worker_->moveToThread(&engineThread_);
    connect(&engineThread_, &QThread::finished, worker_, &QObject::deleteLater);
    connect(worker_, &EngineWorker::memoryChanged, monitor_.get(), &SystemMonitor::setMemory);
    connect(worker_, &EngineWorker::generationFinished, monitor_.get(), &SystemMonitor::setReport);
    connect(worker_, &EngineWorker::modelUnloaded, monitor_.get(), &SystemMonitor::clearEngine);
    engineThread_.setObjectName(QStringLiteral("chord-engine"));
    engineThread_.start();

    models_ = std::make_unique<ModelController>(*worker_, *settings_);
    chat_ = std::make_unique<ChatController>(*store_, *conversations_, *messages_, *worker_, *settings_, *models_);
    connect(settings_.get(), &AppSettings::logLevelChanged, this, [](const QString& level) { setLogLevel(level); });
}

AppCore::~AppCore() {
    // The chat goes first: its destructor stops a streaming reply through the worker and saves it as
    // interrupted, and the worker is deleted once its thread ends below (ASan: heap-use-after-free).
    chat_.reset();
    // Stop what runs, let the worker finish its current call, then join: nothing on the worker thread
    // may outlive the objects its queued signals point at.
    worker_->requestStop();
    engineThread_.quit();
    engineThread_.wait();
}

QString AppCore::version() const { return QStringLiteral(CHORD_APP_VERSION); }

void AppCore::openFile(const QString& path) {
    if (path.isEmpty()) return;
    if (!QFileInfo(path).isFile()) {
        spdlog::warn("asked to open {}, which is not a file", path.toStdString());
        return;
    }
    models_->load(path);
}

QQuickWindow* showMainWindow(QQmlApplicationEngine& engine, AppCore& core) {
    engine.addImportPath(QStringLiteral("qrc:/qt/qml"));
    engine.setInitialProperties({{QStringLiteral("app"), QVariant::fromValue(&core)}});
    engine.load(QUrl(QStringLiteral("qrc:/qt/qml/Chord/Main.qml")));
    if (engine.rootObjects().isEmpty()) {
        spdlog::error("the main window could not be created (see the QML errors above)");
        return nullptr;
    }
    return qobject_cast<QQuickWindow*>(engine.rootObjects().constFirst());
}

}  // namespace chord::app
