// Crash safety of the chat history. A child process (this executable with --child) runs the real app
// core — ChatStore, EngineWorker on its thread, ChatController — and streams a long reply from a random
// model (it never emits end-of-text), printing what the message model shows each time it changes. The
// test SIGKILLs it mid-generation, reopens the database and checks that everything shown more than a
// second before the kill is stored, that PRAGMA integrity_check says ok, and that the store takes
// new messages again.
#include <signal.h>

#include <QGuiApplication>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>
#include <chrono>
#include <cstdio>

#include "app_core.h"
#include "app_test_environment.h"
#include "chat_store.h"
#include "message_model.h"
#include "model_controller.h"

using namespace chord::app;

namespace {

qint64 monotonicMs() {
    // steady_clock is CLOCK_MONOTONIC: one clock for the parent and the child.
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

const QString kPrompt = QStringLiteral("Once upon a time");

// The child: the app without its window. Prints "shown <ms> <row> <hex of the row's whole text>" when a
// row is added and "more <ms> <row> <hex of the added text>" when a streaming row grows.
int runChild(int argc, char** argv) {
    QGuiApplication app(argc, argv);
    const QString dir = QString::fromLocal8Bit(argv[2]);
    AppCore core(AppCore::Paths{dir + QStringLiteral("/chats.sqlite"), dir + QStringLiteral("/settings.ini"), {}});
    core.settings()->setTemperature(0.0);
    core.settings()->setRepeatPenalty(1.0);
    core.settings()->setMaxTokens(32768);
    MessageModel& model = core.messageModel();
    QList<QString> shown;
    auto print = [](const char* kind, int row, const QString& text) {
        std::printf("%s %lld %d %s\n", kind, static_cast<long long>(monotonicMs()), row, text.toUtf8().toHex().constData());
        std::fflush(stdout);
    };
    auto sync = [&] {
        for (int row = 0; row < model.rowCount(); ++row) {
            const QString text = model.at(row).content;
            if (row >= shown.size()) {
                shown.append(text);
                print("shown", row, text);
            } else if (text != shown[row]) {
                if (!text.startsWith(shown[row])) std::abort();  // a shown reply only grows
                print("more", row, text.mid(shown[row].size()));
                shown[row] = text;
            }
        }
    };
    QObject::connect(&model, &QAbstractItemModel::rowsInserted, sync);
    QObject::connect(&model, &QAbstractItemModel::dataChanged, sync);
    QObject::connect(core.models(), &ModelController::modelReady, [&] {
        if (!core.chat()->send(kPrompt)) std::abort();
    });
    if (!core.models()->load(QString::fromLocal8Bit(argv[3]))) return 3;
    return app.exec();
}

}  // namespace

class TestCrashSafety : public QObject {
    Q_OBJECT
private slots:
    void killMidGenerationLosesNothingShown() {
        QTemporaryDir dir;
        QProcess child;
        child.setProgram(QCoreApplication::applicationFilePath());
        child.setArguments({QStringLiteral("--child"), dir.path(),
                            QStringLiteral(CHORD_SHARED_DIR "/models/untrained/llama-2-tiny-random.gguf")});
        child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        child.start();
        QVERIFY(child.waitForStarted());

        // Each row's text over time, as the child's model showed it.
        struct Shown {
            qint64 ms;
            int row;
            QString text;  // the row's whole text from then on
        };
        QList<Shown> timeline;
        QList<QString> rows;
        qint64 firstReplyText = 0;
        QByteArray pending;
        const qint64 deadline = monotonicMs() + 120000;
        // Kill once the reply has streamed for 1.5 s: more than the one second the check looks back, and well
        // before the reply's 32768 tokens end even on a fast machine (~3 s at 11k tokens/s).
        while (firstReplyText == 0 || monotonicMs() < firstReplyText + 1500) {
            QVERIFY2(monotonicMs() < deadline, "the child never streamed for 1.5 s");
            QVERIFY2(child.state() == QProcess::Running, "the child ended before the kill");
            child.waitForReadyRead(100);
            pending += child.readAllStandardOutput();
            int nl;
            while ((nl = pending.indexOf('\n')) >= 0) {
                const QList<QByteArray> f = pending.left(nl).split(' ');
                pending.remove(0, nl + 1);
                if (f.size() < 3 || (f[0] != "shown" && f[0] != "more")) continue;
                const qint64 ms = f[1].toLongLong();
                const int row = f[2].toInt();
                const QString text = f.size() > 3 ? QString::fromUtf8(QByteArray::fromHex(f[3])) : QString();
                while (rows.size() <= row) rows.append(QString());
                rows[row] = f[0] == "shown" ? text : rows[row] + text;
                timeline.append({ms, row, rows[row]});
                if (row == 1 && !rows[1].isEmpty() && firstReplyText == 0) firstReplyText = ms;
            }
        }
        const qint64 killedAt = monotonicMs();
        ::kill(static_cast<pid_t>(child.processId()), SIGKILL);
        QVERIFY(child.waitForFinished(10000));
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);

        // What every row showed one second before the kill.
        QList<QString> mustKeep;
        for (const Shown& s : timeline) {
            if (s.ms > killedAt - 1000) break;
            while (mustKeep.size() <= s.row) mustKeep.append(QString());
            mustKeep[s.row] = s.text;
        }
        QCOMPARE(mustKeep.size(), 2);
        QVERIFY2(mustKeep[1].size() > 100, qPrintable(QStringLiteral("only %1 characters shown").arg(mustKeep[1].size())));

        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("integrity"));
            db.setDatabaseName(dir.filePath(QStringLiteral("chats.sqlite")));
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("PRAGMA integrity_check")));
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toString(), QStringLiteral("ok"));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("integrity"));

        ChatStore store(dir.filePath(QStringLiteral("chats.sqlite")));
        const QList<ConversationRecord> conversations = store.conversations();
        QCOMPARE(conversations.size(), 1);
        const QList<MessageRecord> messages = store.messages(conversations[0].id);
        QCOMPARE(messages.size(), 2);
        QCOMPARE(messages[0].content, kPrompt);
        QCOMPARE(messages[0].content, mustKeep[0]);
        QCOMPARE(messages[1].state, MessageRecord::State::Streaming);  // never finished: it was killed
        QVERIFY2(messages[1].content.startsWith(mustKeep[1]),
                 qPrintable(QStringLiteral("stored %1 characters, %2 were shown a second before the kill")
                                .arg(messages[1].content.size())
                                .arg(mustKeep[1].size())));
        std::printf("kill test: %lld ms of streaming, %lld characters shown 1 s before the kill, %lld stored\n",
                    static_cast<long long>(killedAt - firstReplyText), static_cast<long long>(mustKeep[1].size()),
                    static_cast<long long>(messages[1].content.size()));
        QVERIFY(store.addMessage(conversations[0].id, MessageRecord::Role::User, QStringLiteral("still there?")) > 0);
    }
};

int main(int argc, char** argv) {
    if (argc >= 4 && qstrcmp(argv[1], "--child") == 0) return runChild(argc, argv);
    chord_app_test::isolateUserDirectories();
    QGuiApplication app(argc, argv);
    TestCrashSafety tc;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&tc, argc, argv);
}

#include "test_crash_safety.moc"
