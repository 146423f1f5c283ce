// SingleInstance: the first process listens, a later launch hands its file over and is told so.
#include <QGuiApplication>
#include <QSignalSpy>
#include <QtTest>
#include <thread>

#include "app_test_environment.h"
#include "single_instance.h"

using chord::app::SingleInstance;

class TestSingleInstance : public QObject {
    Q_OBJECT
private slots:
    void nobodyListeningMeansPrimary() {
        SingleInstance first(uniqueName());
        QVERIFY(!first.sendToPrimary(QString(), 200));
        QVERIFY(first.listen());
    }

    void secondLaunchHandsItsFileToTheFirst() {
        const QString name = uniqueName();
        SingleInstance primary(name);
        QVERIFY(primary.listen());
        QSignalSpy activated(&primary, &SingleInstance::activationRequested);
        // The second launch blocks on its socket, so it runs on another thread while this one serves.
        bool delivered = false;
        std::thread second([&] { delivered = SingleInstance(name).sendToPrimary(QStringLiteral("/models/ü model.gguf"), 5000); });
        QTRY_COMPARE_WITH_TIMEOUT(activated.count(), 1, 5000);
        second.join();
        QVERIFY(delivered);
        QCOMPARE(activated[0][0].toString(), QStringLiteral("/models/ü model.gguf"));
    }

    void defaultNameIsPerUserAndDataDirectory() {
        const QString name = SingleInstance::defaultServerName();
        QVERIFY(name.startsWith(QStringLiteral("chord-")));
        QVERIFY(!name.contains(QLatin1Char('/')));
    }

private:
    static QString uniqueName() {
        static int n = 0;
        return QStringLiteral("chord-test-%1-%2").arg(QCoreApplication::applicationPid()).arg(++n);
    }
};

CHORD_APP_TEST_MAIN(TestSingleInstance)
#include "test_single_instance.moc"
