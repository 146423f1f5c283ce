#pragma once
// Every app test runs with its own temporary XDG directories so it can never read or write the real
// user's chats, settings or logs. Call isolateUserDirectories() before the QCoreApplication exists
// (CHORD_APP_TEST_MAIN does).
#include <QDir>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

namespace chord_app_test {

inline QTemporaryDir& userDirectories() {
    static QTemporaryDir dir(QDir::tempPath() + QStringLiteral("/chord-app-test-XXXXXX"));
    return dir;
}

inline void isolateUserDirectories() {
    const QString root = userDirectories().path();
    for (const char* name : {"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_RUNTIME_DIR"}) {
        const QString dir = root + QLatin1Char('/') + QString::fromLatin1(name).toLower();
        QDir().mkpath(dir);
        QFile::setPermissions(dir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        qputenv(name, dir.toUtf8());
    }
    qputenv("QT_QPA_PLATFORM", qgetenv("QT_QPA_PLATFORM").isEmpty() ? QByteArray("offscreen") : qgetenv("QT_QPA_PLATFORM"));
    QStandardPaths::setTestModeEnabled(true);
}

inline QString stories260K() { return QStringLiteral(CHORD_SHARED_DIR "/models/stories260K.gguf"); }

}  // namespace chord_app_test

// QTEST_MAIN with the user's directories swapped for temporary ones first.
#define CHORD_APP_TEST_MAIN(TestClass)                                  \
    int main(int argc, char** argv) {                                   \
        chord_app_test::isolateUserDirectories();                       \
        QGuiApplication app(argc, argv);                                \
        app.setAttribute(Qt::AA_Use96Dpi, true);                        \
        TestClass tc;                                                   \
        QTEST_SET_MAIN_SOURCE_PATH                                      \
        return QTest::qExec(&tc, argc, argv);                           \
    }
