#pragma once
// What the status bar shows: speed of the last reply, memory (process RSS polled once a second, the
// engine's own bytes as EngineWorker reports them), the SIMD backend the engine dispatched to, the
// attention backend in use and the CPU's name.
#include <QObject>
#include <QString>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

#include "engine_messages.h"

namespace chord::app {

class SystemMonitor : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(double rssBytes READ rssBytes NOTIFY memoryChanged)
    Q_PROPERTY(double modelMappedBytes READ modelMappedBytes NOTIFY memoryChanged)
    Q_PROPERTY(double kvCacheBytes READ kvCacheBytes NOTIFY memoryChanged)
    Q_PROPERTY(double attentionScratchBytes READ attentionScratchBytes NOTIFY memoryChanged)
    Q_PROPERTY(QString attentionBackend READ attentionBackend NOTIFY memoryChanged)
    Q_PROPERTY(QString simdBackend READ simdBackend NOTIFY memoryChanged)
    Q_PROPERTY(QString cpuName READ cpuName CONSTANT)
    Q_PROPERTY(double promptTokensPerSecond READ promptTokensPerSecond NOTIFY speedChanged)
    Q_PROPERTY(double generationTokensPerSecond READ generationTokensPerSecond NOTIFY speedChanged)
    Q_PROPERTY(double timeToFirstToken READ timeToFirstToken NOTIFY speedChanged)
    Q_PROPERTY(bool hasSpeed READ hasSpeed NOTIFY speedChanged)
public:
    explicit SystemMonitor(QObject* parent = nullptr);

    double rssBytes() const { return static_cast<double>(rss_); }
    double modelMappedBytes() const { return static_cast<double>(memory_.modelMapped); }
    double kvCacheBytes() const { return static_cast<double>(memory_.kvCache); }
    double attentionScratchBytes() const { return static_cast<double>(memory_.attentionScratch); }
    QString attentionBackend() const;
    QString simdBackend() const { return simdBackend_; }
    QString cpuName() const { return cpuName_; }
    double promptTokensPerSecond() const { return report_.promptTokensPerSecond; }
    double generationTokensPerSecond() const { return report_.generationTokensPerSecond; }
    double timeToFirstToken() const { return report_.timeToFirstToken; }
    bool hasSpeed() const { return hasSpeed_; }

    // "1.2 GiB", "340 MiB", "12 KiB"
    Q_INVOKABLE static QString formatBytes(double bytes);

public slots:
    void setMemory(const chord::app::MemorySnapshot& memory);
    void setReport(const chord::app::GenerationReport& report);
    void clearEngine();  // no model loaded
    void pollProcess();

signals:
    void memoryChanged();
    void speedChanged();

private:
    static QString readCpuName();

    QTimer poll_;
    quint64 rss_ = 0;
    MemorySnapshot memory_;
    bool hasModel_ = false;
    GenerationReport report_;
    bool hasSpeed_ = false;
    QString simdBackend_;
    QString cpuName_;
};

}  // namespace chord::app
