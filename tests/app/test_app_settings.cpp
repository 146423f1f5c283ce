// AppSettings: defaults, persistence in the file, range checks, recent models, change signals.
#include <QGuiApplication>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "app_settings.h"
#include "app_test_environment.h"

using chord::app::AppSettings;

class TestAppSettings : public QObject {
    Q_OBJECT
private slots:
    void init() { path_ = dir_.filePath(QStringLiteral("s%1.ini").arg(++n_)); }

    void defaults() {
        AppSettings s(path_);
        QCOMPARE(s.attentionBackend(), QStringLiteral("flash"));
        QCOMPARE(s.simdLevel(), QStringLiteral("auto"));
        QCOMPARE(s.threads(), 0);
        QCOMPARE(s.contextSize(), 0);
        QCOMPARE(s.theme(), QStringLiteral("system"));
        QCOMPARE(s.logLevel(), QStringLiteral("info"));
        QCOMPARE(s.seed(), -1);
        QVERIFY(s.recentModels().isEmpty());
    }

    void persistsAcrossInstances() {
        {
            AppSettings s(path_);
            s.setAttentionBackend(QStringLiteral("standard"));
            s.setTemperature(0.25);
            s.setTopK(7);
            s.setTopP(0.5);
            s.setMinP(0.1);
            s.setRepeatPenalty(1.3);
            s.setSeed(42);
            s.setMaxTokens(99);
            s.setTheme(QStringLiteral("dark"));
            s.setFontSize(14);
            s.setLogLevel(QStringLiteral("debug"));
            s.setThreads(3);
            s.setContextSize(1024);
            s.setSimdLevel(QStringLiteral("scalar"));
        }
        AppSettings s(path_);
        QCOMPARE(s.attentionBackend(), QStringLiteral("standard"));
        QCOMPARE(s.temperature(), 0.25);
        QCOMPARE(s.topK(), 7);
        QCOMPARE(s.topP(), 0.5);
        QCOMPARE(s.minP(), 0.1);
        QCOMPARE(s.repeatPenalty(), 1.3);
        QCOMPARE(s.seed(), 42);
        QCOMPARE(s.maxTokens(), 99);
        QCOMPARE(s.theme(), QStringLiteral("dark"));
        QCOMPARE(s.fontSize(), 14);
        QCOMPARE(s.logLevel(), QStringLiteral("debug"));
        QCOMPARE(s.threads(), 3);
        QCOMPARE(s.contextSize(), 1024);
        QCOMPARE(s.simdLevel(), QStringLiteral("scalar"));
        const chord::SamplerParams p = s.samplerParams();
        QCOMPARE(p.temperature, 0.25f);
        QCOMPARE(p.top_k, 7);
        QCOMPARE(p.seed, uint64_t{42});
    }

    void rejectsNonsense() {
        AppSettings s(path_);
        s.setAttentionBackend(QStringLiteral("quantum"));
        QCOMPARE(s.attentionBackend(), QStringLiteral("flash"));
        s.setTheme(QStringLiteral("purple"));
        QCOMPARE(s.theme(), QStringLiteral("system"));
        s.setTemperature(-3.0);
        QCOMPARE(s.temperature(), 0.0);
        s.setFontSize(500);
        QCOMPARE(s.fontSize(), 32);
        s.setMaxTokens(0);
        QCOMPARE(s.maxTokens(), 1);
        s.setLogLevel(QStringLiteral("loud"));
        QCOMPARE(s.logLevel(), QStringLiteral("info"));
    }

    void signalsChanges() {
        AppSettings s(path_);
        QSignalSpy changed(&s, &AppSettings::changed);
        QSignalSpy attention(&s, &AppSettings::attentionBackendChanged);
        s.setAttentionBackend(QStringLiteral("standard"));
        QCOMPARE(attention.count(), 1);
        QCOMPARE(attention[0][0].toBool(), false);
        s.setAttentionBackend(QStringLiteral("standard"));  // same value: no signal
        QCOMPARE(attention.count(), 1);
        s.setTopK(5);
        QVERIFY(changed.count() >= 2);
        s.resetToDefaults();
        QCOMPARE(s.topK(), 40);
        QCOMPARE(attention.count(), 2);
        QCOMPARE(attention[1][0].toBool(), true);
    }

    void recentModelsNewestFirstWithoutDuplicates() {
        AppSettings s(path_);
        for (int i = 0; i < AppSettings::kMaxRecentModels + 3; ++i)
            s.addRecentModel(QStringLiteral("/m/%1.gguf").arg(i));
        QCOMPARE(s.recentModels().size(), AppSettings::kMaxRecentModels);
        QCOMPARE(s.recentModels().first(), QStringLiteral("/m/%1.gguf").arg(AppSettings::kMaxRecentModels + 2));
        s.addRecentModel(QStringLiteral("/m/5.gguf"));
        QCOMPARE(s.recentModels().first(), QStringLiteral("/m/5.gguf"));
        QCOMPARE(s.recentModels().count(QStringLiteral("/m/5.gguf")), 1);
        s.removeRecentModel(QStringLiteral("/m/5.gguf"));
        QVERIFY(!s.recentModels().contains(QStringLiteral("/m/5.gguf")));
        s.setLastModelPath(QStringLiteral("/m/x.gguf"));
        s.resetToDefaults();  // models are not preferences: kept
        QCOMPARE(s.lastModelPath(), QStringLiteral("/m/x.gguf"));
        QVERIFY(!s.recentModels().isEmpty());
    }

    void randomSeedWhenUnset() {
        AppSettings s(path_);
        QVERIFY(s.samplerParams().seed != s.samplerParams().seed);  // 64-bit draws: equal by chance 1 in 2^64
        s.setSeed(7);
        QCOMPARE(s.samplerParams().seed, s.samplerParams().seed);
    }

private:
    QTemporaryDir dir_;
    QString path_;
    int n_ = 0;
};

CHORD_APP_TEST_MAIN(TestAppSettings)
#include "test_app_settings.moc"
