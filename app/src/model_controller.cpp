#include "model_controller.h"

#include <QFileInfo>
#include <QMetaObject>
#include <spdlog/spdlog.h>

#include "app_settings.h"
#include "default_model.h"
#include "engine_worker.h"
#include "model_inspector.h"
#include "system_monitor.h"

namespace chord::app {

ModelController::ModelController(EngineWorker& worker, AppSettings& settings, QObject* parent)
    : QObject(parent), worker_(worker), settings_(settings) {
    connect(&worker_, &EngineWorker::loadProgress, this, &ModelController::onProgress);
    connect(&worker_, &EngineWorker::modelLoaded, this, &ModelController::onLoaded);
    connect(&worker_, &EngineWorker::loadFailed, this, &ModelController::onFailed);
}

QString ModelController::localPath(const QString& pathOrUrl) {
    const QUrl url(pathOrUrl);
    if (url.isLocalFile()) return url.toLocalFile();
    return pathOrUrl;
}

QVariantMap ModelController::inspect(const QString& pathOrUrl) const {
    const QString path = localPath(pathOrUrl);
    try {
        const ModelFacts facts = ModelInspector::inspect(path);
        const int ctx = settings_.contextSize() > 0
                            ? settings_.contextSize()
                            : ModelInspector::recommendedContext(facts, ModelInspector::availableMemoryBytes());
        return ModelInspector::toVariant(facts, ctx);
    } catch (const std::exception& e) {
        return {{QStringLiteral("path"), path}, {QStringLiteral("error"), describeEngineError(e)}};
    }
}

bool ModelController::load(const QString& pathOrUrl) {
    const QString path = QFileInfo(localPath(pathOrUrl)).absoluteFilePath();
    const QVariantMap facts = inspect(path);
    if (facts.contains(QStringLiteral("error"))) {
        setError(facts.value(QStringLiteral("error")).toString());
        return false;
    }
    const quint64 available = ModelInspector::availableMemoryBytes();
    const auto needed = static_cast<quint64>(facts.value(QStringLiteral("memoryNeeded")).toDouble());
    if (available > 0 && needed > available) {
        setError(QStringLiteral("Not enough memory for %1: it needs about %2 but only %3 is free. Choose a "
                                "smaller context size in Settings, close other programs, or pick a smaller model.")
                     .arg(QFileInfo(path).fileName(), SystemMonitor::formatBytes(static_cast<double>(needed)),
                          SystemMonitor::formatBytes(static_cast<double>(available))));
        return false;
    }
    dismissError();
    EngineConfig config;
    config.modelPath = path;
    config.contextSize = facts.value(QStringLiteral("contextSize")).toInt();
    config.threads = settings_.threads();
    config.flashAttention = settings_.attentionBackend() == QLatin1String("flash");
    config.simdLevel = settings_.simdLevel();
    loadId_ = worker_.issueRequestId();
    pending_ = facts;
    status_ = Status::Loading;
    progress_ = 0.0;
    emit statusChanged();
    emit progressChanged();
    QMetaObject::invokeMethod(&worker_, "loadModel", Qt::QueuedConnection, Q_ARG(quint64, loadId_),
                              Q_ARG(chord::app::EngineConfig, config));
    return true;
}

bool ModelController::loadDefault() {
    const QString last = settings_.lastModelPath();
    if (!last.isEmpty() && QFileInfo(last).isFile()) return load(last);
    const QString bundled = defaultModelPath();
    if (bundled.isEmpty()) {
        setError(QStringLiteral("The bundled model %1 was not found. Open a .gguf model file to start.")
                     .arg(QLatin1String(kDefaultModelFile)));
        return false;
    }
    return load(bundled);
}

void ModelController::cancel() {
    if (status_ == Status::Loading) worker_.requestStop();
}

void ModelController::dismissError() {
    if (errorMessage_.isEmpty()) return;
    errorMessage_.clear();
    emit errorChanged();
}

void ModelController::setError(const QString& message) {
    spdlog::warn("model: {}", message.toStdString());
    errorMessage_ = message;
    emit errorChanged();
}

void ModelController::onProgress(quint64 requestId, double fraction) {
    if (requestId != loadId_) return;
    progress_ = fraction;
    emit progressChanged();
}

void ModelController::onLoaded(quint64 requestId, const ModelSummary& summary) {
    if (requestId != loadId_) return;
    summary_ = summary;
    hasModel_ = true;
    status_ = Status::Ready;
    info_ = pending_;
    info_.insert(QStringLiteral("name"), summary.name);
    info_.insert(QStringLiteral("contextSize"), summary.contextSize);
    info_.insert(QStringLiteral("threads"), summary.threads);
    info_.insert(QStringLiteral("promptMode"), summary.promptMode);
    pending_.clear();
    settings_.addRecentModel(summary.path);
    settings_.setLastModelPath(summary.path);
    emit statusChanged();
    emit modelReady(summary);
}

void ModelController::onFailed(quint64 requestId, const QString& path, const QString& message, bool cancelled) {
    if (requestId != loadId_) return;
    status_ = hasModel_ ? Status::Ready : Status::Empty;
    pending_.clear();
    emit statusChanged();
    if (!cancelled) setError(message);
    if (!cancelled && !QFileInfo(path).isFile()) settings_.removeRecentModel(path);
}

}  // namespace chord::app
