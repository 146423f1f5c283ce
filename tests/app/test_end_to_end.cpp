// The real app, offscreen: the main window on the bundled default model, a prompt typed with key
// events, streamed tokens, a screenshot (Item.grabToImage) saved as a CTest artifact, and a status bar
// that shows a non-zero generation speed and the SIMD backend this CPU's /proc/cpuinfo flags call for.
#include <QFile>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickItemGrabResult>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtQml/qqmlextensionplugin.h>
#include <QtTest>

#include "app_core.h"
#include "app_test_environment.h"
#include "message_model.h"

Q_IMPORT_QML_PLUGIN(ChordPlugin)

using namespace chord::app;

namespace {

QString statusText(QQuickWindow& window, const char* name) {
    auto* item = window.contentItem()->findChild<QQuickItem*>(QLatin1String(name));
    if (!item) item = window.findChild<QQuickItem*>(QLatin1String(name));
    return item ? item->property("text").toString() : QString();
}

// The backend name /proc/cpuinfo's flags call for, as the issue defines it.
QString expectedSimdPrefix() {
    QFile cpuinfo(QStringLiteral("/proc/cpuinfo"));
    if (!cpuinfo.open(QIODevice::ReadOnly)) return {};
    QByteArray flags;
    for (const QByteArray& line : cpuinfo.readAll().split('\n'))
        if (line.startsWith("flags") || line.startsWith("Features")) {
            flags = " " + line.mid(line.indexOf(':') + 1) + " ";
            break;
        }
    if (flags.contains(" avx512f ") && flags.contains(" avx512bw ")) return QStringLiteral("AVX-512");
    if (flags.contains(" avx2 ") && flags.contains(" fma ")) return QStringLiteral("AVX2+FMA");
    if (flags.contains(" asimd ")) return QStringLiteral("NEON");
    return QStringLiteral("Scalar");
}

}  // namespace

class TestEndToEnd : public QObject {
    Q_OBJECT
private slots:
    void typeAPromptAndWatchItStream() {
        QTemporaryDir dir;
        AppCore core({dir.filePath(QStringLiteral("chats.sqlite")), dir.filePath(QStringLiteral("settings.ini")), {}});
        core.settings()->setTemperature(0.0);
        core.settings()->setMaxTokens(60);
        QQmlApplicationEngine engine;
        QQuickWindow* window = showMainWindow(engine, core);
        QVERIFY(window);
        window->resize(1100, 720);
        window->show();
        window->requestActivate();
        QVERIFY(QTest::qWaitForWindowExposed(window));

        // First start: the bundled model loads without the user doing anything (main.cpp does this too).
        QVERIFY(core.models()->loadDefault());
        QTRY_VERIFY_WITH_TIMEOUT(core.models()->loaded(), 60000);

        auto* input = window->findChild<QQuickItem*>(QStringLiteral("composerInput"));
        QVERIFY(input);
        input->forceActiveFocus();
        QTRY_VERIFY(input->hasActiveFocus());
        for (const char c : QByteArrayLiteral("Once upon a time")) QTest::keyClick(window, c);
        QCOMPARE(input->property("text").toString(), QStringLiteral("Once upon a time"));
        QTest::keyClick(window, Qt::Key_Return);

        MessageModel& messages = core.messageModel();
        QTRY_COMPARE_WITH_TIMEOUT(messages.rowCount(), 2, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!messages.at(1).content.isEmpty(), 60000);  // streamed tokens arrive
        QTRY_VERIFY_WITH_TIMEOUT(!core.chat()->generating(), 60000);
        QVERIFY2(messages.at(1).content.startsWith(QStringLiteral(", there was")), qPrintable(messages.at(1).content));
        QCOMPARE(input->property("text").toString(), QString());

        // The status bar: a real speed and the backend the CPU flags call for.
        QString rate;
        QTRY_VERIFY((rate = statusText(*window, "generationRate")).contains(QStringLiteral("tok/s")));
        const QRegularExpressionMatch number = QRegularExpression(QStringLiteral("([0-9]+(\\.[0-9]+)?) tok/s")).match(rate);
        QVERIFY2(number.hasMatch(), qPrintable(rate));
        QVERIFY2(number.captured(1).toDouble() > 0.0, qPrintable(rate));
        const QString simd = statusText(*window, "simdBackend");
        if (qEnvironmentVariableIsEmpty("CHORD_SIMD"))
            QVERIFY2(simd.startsWith(expectedSimdPrefix()), qPrintable(simd + QStringLiteral(" vs ") + expectedSimdPrefix()));
        QVERIFY(statusText(*window, "attentionBackend").contains(QStringLiteral("attention")));
        QVERIFY(!statusText(*window, "kvCache").contains(QStringLiteral(" 0 B")));

        // Screenshot through Item.grabToImage, kept as the test's artifact.
        QSharedPointer<QQuickItemGrabResult> grab = window->contentItem()->grabToImage();
        QVERIFY(grab);
        bool ready = false;
        connect(grab.data(), &QQuickItemGrabResult::ready, this, [&] { ready = true; });
        QTRY_VERIFY_WITH_TIMEOUT(ready, 10000);
        const QImage image = grab->image();
        QVERIFY(!image.isNull());
        QCOMPARE(image.width(), window->contentItem()->width() * window->devicePixelRatio());
        const QString path = QStringLiteral(CHORD_TEST_ARTIFACTS "/end_to_end.png");
        QVERIFY(image.save(path));
        // Not a blank frame: the window shows text in more than one colour.
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 7)
            for (int x = 0; x < image.width(); x += 7) colours.insert(image.pixel(x, y));
        QVERIFY2(colours.size() > 8, qPrintable(QString::number(colours.size())));
    }
};

int main(int argc, char** argv) {
    chord_app_test::isolateUserDirectories();
    QGuiApplication app(argc, argv);
    QQuickStyle::setStyle(QStringLiteral("Basic"));
    TestEndToEnd test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_end_to_end.moc"
