#pragma once
// Everything the running app is made of, created in dependency order and torn down safely (the
// worker thread is stopped and joined before the objects it talks to go away). The QML root receives
// it as its required `app` property.
#include <QObject>
#include <QString>
#include <QThread>
#include <QtQml/qqmlregistration.h>
#include <memory>

#include "app_settings.h"
#include "chat_controller.h"
#include "model_controller.h"
#include "system_monitor.h"

class QQmlApplicationEngine;
class QQuickWindow;

namespace chord::app {

class ChatStore;
class ConversationListModel;
class EngineWorker;
class MessageModel;

class AppCore : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Provided by the application")
    Q_PROPERTY(chord::app::ChatController* chat READ chat CONSTANT)
    Q_PROPERTY(chord::app::ModelController* models READ models CONSTANT)
    Q_PROPERTY(chord::app::AppSettings* settings READ settings CONSTANT)
    Q_PROPERTY(chord::app::SystemMonitor* monitor READ monitor CONSTANT)
    Q_PROPERTY(QString version READ version CONSTANT)
    Q_PROPERTY(QString logFile READ logFile CONSTANT)
public:
    struct Paths {
        QString database;      // empty: ChatStore::defaultPath()
        QString settingsFile;  // empty: the user's QSettings
        QString logFile;       // shown in Settings
    };

    explicit AppCore(const Paths& paths, QObject* parent = nullptr);
    ~AppCore() override;

    ChatController* chat() const { return chat_.get(); }
    ModelController* models() const { return models_.get(); }
    AppSettings* settings() const { return settings_.get(); }
    SystemMonitor* monitor() const { return monitor_.get(); }
    EngineWorker& worker() const { return *worker_; }
    ChatStore& store() const { return *store_; }
    MessageModel& messageModel() const { return *messages_; }
    QString version() const;
    QString logFile() const { return paths_.logFile; }

    // Opens a model handed over by a second launch or the command line.
    void openFile(const QString& path);

private:
    Paths paths_;
    std::unique_ptr<AppSettings> settings_;
    std::unique_ptr<ChatStore> store_;
    std::unique_ptr<ConversationListModel> conversations_;
    std::unique_ptr<MessageModel> messages_;
    std::unique_ptr<SystemMonitor> monitor_;
    QThread engineThread_;
    EngineWorker* worker_ = nullptr;  // lives on engineThread_, deleted when it finishes
    std::unique_ptr<ModelController> models_;
    std::unique_ptr<ChatController> chat_;
};

// Loads Main.qml into engine with core as its `app`; returns the window or nullptr (errors logged).
QQuickWindow* showMainWindow(QQmlApplicationEngine& engine, AppCore& core);

}  // namespace chord::app
