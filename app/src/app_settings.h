#pragma once
// User preferences, persisted with QSettings (~/.config/chord/chord.conf on Linux). Values are read
// through so every change is saved at once; `changed` is emitted after any of them changes.
#include <QObject>
#include <QSettings>
#include <QStringList>
#include <QtQml/qqmlregistration.h>
#include <memory>

#include "chord/sampler.h"

namespace chord::app {

class AppSettings : public QObject {
    Q_OBJECT
    QML_ELEMENT
    // Engine
    Q_PROPERTY(QString attentionBackend READ attentionBackend WRITE setAttentionBackend NOTIFY changed)
    Q_PROPERTY(QString simdLevel READ simdLevel WRITE setSimdLevel NOTIFY changed)
    Q_PROPERTY(int threads READ threads WRITE setThreads NOTIFY changed)
    Q_PROPERTY(int contextSize READ contextSize WRITE setContextSize NOTIFY changed)
    // Sampling
    Q_PROPERTY(double temperature READ temperature WRITE setTemperature NOTIFY changed)
    Q_PROPERTY(int topK READ topK WRITE setTopK NOTIFY changed)
    Q_PROPERTY(double topP READ topP WRITE setTopP NOTIFY changed)
    Q_PROPERTY(double minP READ minP WRITE setMinP NOTIFY changed)
    Q_PROPERTY(double repeatPenalty READ repeatPenalty WRITE setRepeatPenalty NOTIFY changed)
    Q_PROPERTY(int seed READ seed WRITE setSeed NOTIFY changed)
    Q_PROPERTY(int maxTokens READ maxTokens WRITE setMaxTokens NOTIFY changed)
    // Appearance and diagnostics
    Q_PROPERTY(QString theme READ theme WRITE setTheme NOTIFY changed)
    Q_PROPERTY(int fontSize READ fontSize WRITE setFontSize NOTIFY changed)
    Q_PROPERTY(QString logLevel READ logLevel WRITE setLogLevel NOTIFY changed)
    // Models
    Q_PROPERTY(QStringList recentModels READ recentModels NOTIFY changed)
    Q_PROPERTY(QString lastModelPath READ lastModelPath WRITE setLastModelPath NOTIFY changed)
public:
    static constexpr int kMaxRecentModels = 8;

    explicit AppSettings(QObject* parent = nullptr);                         // the user's settings
    explicit AppSettings(const QString& iniPath, QObject* parent = nullptr);  // a given file (tests)

    QString attentionBackend() const;  // "flash" or "standard"
    void setAttentionBackend(const QString& value);
    QString simdLevel() const;  // "auto", "avx512", "avx2", "neon", "scalar"
    void setSimdLevel(const QString& value);
    int threads() const;  // 0: all hardware threads
    void setThreads(int value);
    int contextSize() const;  // 0: follow the model and free memory
    void setContextSize(int value);

    double temperature() const;
    void setTemperature(double value);
    int topK() const;
    void setTopK(int value);
    double topP() const;
    void setTopP(double value);
    double minP() const;
    void setMinP(double value);
    double repeatPenalty() const;
    void setRepeatPenalty(double value);
    int seed() const;  // -1: a new random seed for every reply
    void setSeed(int value);
    int maxTokens() const;
    void setMaxTokens(int value);

    QString theme() const;  // "system", "light", "dark"
    void setTheme(const QString& value);
    int fontSize() const;
    void setFontSize(int value);
    QString logLevel() const;  // spdlog level names: "trace" … "error"
    void setLogLevel(const QString& value);

    QStringList recentModels() const;
    Q_INVOKABLE void addRecentModel(const QString& path);
    Q_INVOKABLE void removeRecentModel(const QString& path);
    QString lastModelPath() const;
    void setLastModelPath(const QString& value);

    Q_INVOKABLE void resetToDefaults();
    chord::SamplerParams samplerParams() const;

signals:
    void changed();
    void attentionBackendChanged(bool flash);
    void logLevelChanged(const QString& level);

private:
    QVariant read(const char* key, const QVariant& fallback) const;
    void write(const char* key, const QVariant& value);

    std::unique_ptr<QSettings> settings_;
};

}  // namespace chord::app
