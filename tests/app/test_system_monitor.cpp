// SystemMonitor: byte formatting, engine memory and speed reports, the SIMD backend named after what
// /proc/cpuinfo says this CPU can do.
#include <QFile>
#include <QGuiApplication>
#include <QSignalSpy>
#include <QtTest>

#include "app_test_environment.h"
#include "system_monitor.h"

using chord::app::GenerationReport;
using chord::app::MemorySnapshot;
using chord::app::SystemMonitor;

class TestSystemMonitor : public QObject {
    Q_OBJECT
private slots:
    void formatsBytes() {
        QCOMPARE(SystemMonitor::formatBytes(0), QStringLiteral("0 B"));
        QCOMPARE(SystemMonitor::formatBytes(1023), QStringLiteral("1023 B"));
        QCOMPARE(SystemMonitor::formatBytes(1536), QStringLiteral("1.5 KiB"));
        QCOMPARE(SystemMonitor::formatBytes(327680), QStringLiteral("320 KiB"));
        QCOMPARE(SystemMonitor::formatBytes(1185376), QStringLiteral("1.1 MiB"));
        QCOMPARE(SystemMonitor::formatBytes(3.5 * 1024 * 1024 * 1024), QStringLiteral("3.5 GiB"));
    }

    void processMemoryIsLive() {
        SystemMonitor monitor;
        QVERIFY(monitor.rssBytes() > 1024 * 1024);  // a Qt GUI process is never below 1 MiB
        QVERIFY(!monitor.cpuName().isEmpty());
        QCOMPARE(monitor.attentionBackend(), QString());  // no model yet
    }

    void engineReports() {
        SystemMonitor monitor;
        QSignalSpy memory(&monitor, &SystemMonitor::memoryChanged);
        QSignalSpy speed(&monitor, &SystemMonitor::speedChanged);
        MemorySnapshot m;
        m.modelMapped = 1185376;
        m.kvCache = 327680;
        m.attentionScratch = 4096;
        m.flashAttention = false;
        monitor.setMemory(m);
        QCOMPARE(memory.count(), 1);
        QCOMPARE(monitor.modelMappedBytes(), 1185376.0);
        QCOMPARE(monitor.kvCacheBytes(), 327680.0);
        QCOMPARE(monitor.attentionScratchBytes(), 4096.0);
        QCOMPARE(monitor.attentionBackend(), QStringLiteral("Standard"));
        QVERIFY(!monitor.hasSpeed());
        GenerationReport cancelledEarly;  // nothing ran: the last speeds stay
        monitor.setReport(cancelledEarly);
        QCOMPARE(speed.count(), 0);
        GenerationReport r;
        r.promptTokens = 5;
        r.generatedTokens = 20;
        r.promptTokensPerSecond = 500.0;
        r.generationTokensPerSecond = 250.0;
        r.timeToFirstToken = 0.01;
        monitor.setReport(r);
        QCOMPARE(speed.count(), 1);
        QVERIFY(monitor.hasSpeed());
        QCOMPARE(monitor.generationTokensPerSecond(), 250.0);
        QCOMPARE(monitor.promptTokensPerSecond(), 500.0);
        monitor.clearEngine();
        QCOMPARE(monitor.attentionBackend(), QString());
        QCOMPARE(monitor.kvCacheBytes(), 0.0);
    }

    void simdBackendAgreesWithCpuFlags() {
        QFile cpuinfo(QStringLiteral("/proc/cpuinfo"));
        if (!cpuinfo.open(QIODevice::ReadOnly)) QSKIP("no /proc/cpuinfo");
        QByteArray flags;
        for (const QByteArray& line : cpuinfo.readAll().split('\n'))
            if (line.startsWith("flags") || line.startsWith("Features")) { flags = " " + line.mid(line.indexOf(':') + 1) + " "; break; }
        const QString name = SystemMonitor().simdBackend();
        if (!qEnvironmentVariableIsEmpty("CHORD_SIMD")) QSKIP("CHORD_SIMD forces a backend");
        if (flags.contains(" avx512f ") && flags.contains(" avx512bw "))
            QVERIFY2(name.startsWith(QStringLiteral("AVX-512")), qPrintable(name));
        else if (flags.contains(" avx2 ") && flags.contains(" fma "))
            QCOMPARE(name, QStringLiteral("AVX2+FMA"));
        else if (flags.contains(" asimd "))
            QVERIFY2(name.startsWith(QStringLiteral("NEON")), qPrintable(name));
        else
            QCOMPARE(name, QStringLiteral("Scalar"));
    }
};

CHORD_APP_TEST_MAIN(TestSystemMonitor)
#include "test_system_monitor.moc"
