#pragma once
// Loading models for the UI: inspect a file (info and memory needed before loading), load it on the
// worker with progress and cancel, remember recent models, and say in plain words what went wrong.
// A failed or cancelled load leaves the previous model in place.
#include <QObject>
#include <QUrl>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

#include "engine_messages.h"

namespace chord::app {

class AppSettings;
class EngineWorker;

class ModelController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Provided by the application")
    Q_PROPERTY(Status status READ status NOTIFY statusChanged)
    Q_PROPERTY(bool loaded READ loaded NOTIFY statusChanged)
    Q_PROPERTY(bool loading READ loading NOTIFY statusChanged)
    Q_PROPERTY(double progress READ progress NOTIFY progressChanged)
    Q_PROPERTY(QVariantMap info READ info NOTIFY statusChanged)
    Q_PROPERTY(QVariantMap pending READ pending NOTIFY statusChanged)
    Q_PROPERTY(QString errorMessage READ errorMessage NOTIFY errorChanged)
    Q_PROPERTY(QString promptMode READ promptMode NOTIFY statusChanged)
public:
    enum class Status { Empty, Loading, Ready };
    Q_ENUM(Status)

    ModelController(EngineWorker& worker, AppSettings& settings, QObject* parent = nullptr);

    Status status() const { return status_; }
    bool loaded() const { return hasModel_; }
    bool loading() const { return status_ == Status::Loading; }
    double progress() const { return progress_; }
    QVariantMap info() const { return info_; }
    QVariantMap pending() const { return pending_; }
    QString errorMessage() const { return errorMessage_; }
    QString promptMode() const { return summary_.promptMode; }
    const ModelSummary& summary() const { return summary_; }

    // Info and memory estimate for a file, or {"error": "..."}; accepts paths and file:// URLs.
    Q_INVOKABLE QVariantMap inspect(const QString& pathOrUrl) const;
    Q_INVOKABLE bool load(const QString& pathOrUrl);
    Q_INVOKABLE bool loadDefault();  // the last model used, else the bundled one
    Q_INVOKABLE void cancel();
    Q_INVOKABLE void dismissError();
    Q_INVOKABLE static QString localPath(const QString& pathOrUrl);

signals:
    void statusChanged();
    void progressChanged();
    void errorChanged();
    void modelReady(const chord::app::ModelSummary& summary);

private:
    void onProgress(quint64 requestId, double fraction);
    void onLoaded(quint64 requestId, const ModelSummary& summary);
    void onFailed(quint64 requestId, const QString& path, const QString& message, bool cancelled);
    void setError(const QString& message);

    EngineWorker& worker_;
    AppSettings& settings_;
    Status status_ = Status::Empty;
    bool hasModel_ = false;
    double progress_ = 0.0;
    quint64 loadId_ = 0;
    QVariantMap info_;
    QVariantMap pending_;
    QString errorMessage_;
    ModelSummary summary_;
};

}  // namespace chord::app
