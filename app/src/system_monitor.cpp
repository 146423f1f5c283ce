#include "system_monitor.h"

#include <QFile>
#include <QSysInfo>

#include "chord/generator.h"

namespace chord::app {

SystemMonitor::SystemMonitor(QObject* parent)
    : QObject(parent),
      simdBackend_(QString::fromStdString(chord::cpu_backend_name())),
      cpuName_(readCpuName()) {
    poll_.setInterval(1000);
    connect(&poll_, &QTimer::timeout, this, &SystemMonitor::pollProcess);
    poll_.start();
    pollProcess();
}

QString SystemMonitor::attentionBackend() const {
    if (!hasModel_) return QString();
    return memory_.flashAttention ? QStringLiteral("Flash") : QStringLiteral("Standard");
}

QString SystemMonitor::formatBytes(double bytes) {
    static const char* const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int unit = 0;
    while (bytes >= 1024.0 && unit < 4) {
        bytes /= 1024.0;
        ++unit;
    }
    const int decimals = unit == 0 || bytes >= 100.0 ? 0 : 1;
    return QStringLiteral("%1 %2").arg(bytes, 0, 'f', decimals).arg(QLatin1String(units[unit]));
}

void SystemMonitor::setMemory(const MemorySnapshot& memory) {
    memory_ = memory;
    hasModel_ = true;
    if (!memory.simdBackend.isEmpty()) simdBackend_ = memory.simdBackend;
    rss_ = chord::process_rss_bytes();
    emit memoryChanged();
}

void SystemMonitor::setReport(const GenerationReport& report) {
    if (report.generatedTokens == 0 && report.promptTokens == 0) return;  // cancelled before it started
    report_ = report;
    hasSpeed_ = true;
    emit speedChanged();
}

void SystemMonitor::clearEngine() {
    memory_ = {};
    hasModel_ = false;
    emit memoryChanged();
}

void SystemMonitor::pollProcess() {
    const quint64 rss = chord::process_rss_bytes();
    if (rss == rss_) return;
    rss_ = rss;
    emit memoryChanged();
}

QString SystemMonitor::readCpuName() {
    QFile cpuinfo(QStringLiteral("/proc/cpuinfo"));
    if (cpuinfo.open(QIODevice::ReadOnly)) {
        const QList<QByteArray> lines = cpuinfo.readAll().split('\n');
        for (const QByteArray& line : lines) {
            // x86: "model name", aarch64 kernels vary; the first descriptive line wins.
            if (line.startsWith("model name") || line.startsWith("Model") || line.startsWith("Hardware")) {
                const int colon = line.indexOf(':');
                if (colon > 0) return QString::fromUtf8(line.mid(colon + 1).trimmed());
            }
        }
    }
    return QSysInfo::currentCpuArchitecture();
}

}  // namespace chord::app
