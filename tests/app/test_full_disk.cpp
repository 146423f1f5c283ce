// A full disk while saving a chat: the save fails, the user is told, and the chat keeps its previous
// state (nothing half-written, the database intact). The disk is made "full" for this process with
// RLIMIT_FSIZE (files may not grow past a few KB beyond their present size; SIGXFSZ ignored so the write
// fails with EFBIG, which SQLite reports as it does ENOSPC), so the test needs no special filesystem.
// The same for a reply that streams while the disk fills: the user is told, what was saved stays intact,
// and the reply is stored once there is room again.
#include <signal.h>
#include <sys/resource.h>

#include <QFileInfo>
#include <QGuiApplication>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>

#include "app_core.h"
#include "app_test_environment.h"
#include "chat_store.h"
#include "message_model.h"
#include "model_controller.h"

using namespace chord::app;

namespace {

// Files may grow to at most `bytes` until the guard ends.
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes) {
        ::getrlimit(RLIMIT_FSIZE, &saved_);
        const rlimit limit{bytes, saved_.rlim_max};
        ::setrlimit(RLIMIT_FSIZE, &limit);
    }
    ~FileSizeLimit() { ::setrlimit(RLIMIT_FSIZE, &saved_); }
    FileSizeLimit(const FileSizeLimit&) = delete;
    FileSizeLimit& operator=(const FileSizeLimit&) = delete;

private:
    rlimit saved_{};
};

QString integrityOf(const QString& path) {
    QString result;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("integrity"));
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(QStringLiteral("PRAGMA integrity_check")) && q.next()) result = q.value(0).toString();
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("integrity"));
    return result;
}

// A file size limit under which the next save fails: every write goes to the end of the WAL until a
// checkpoint (at 1000 pages, far off here), and a 4 KB page with its 24-byte frame header no longer fits.
rlim_t walFullAt(const QString& dbPath) {
    return static_cast<rlim_t>(QFileInfo(dbPath + QStringLiteral("-wal")).size() + 4096);
}

// The app core streaming a long reply from a random model (it never emits end-of-text), as
// test_crash_safety's child does.
class StreamingChat {
public:
    StreamingChat() : core_(AppCore::Paths{dbPath(), dir_.filePath(QStringLiteral("settings.ini")), {}}) {
        core_.settings()->setTemperature(0.0);
        core_.settings()->setRepeatPenalty(1.0);
        core_.settings()->setMaxTokens(32768);
    }
    QString dbPath() const { return dir_.filePath(QStringLiteral("chats.sqlite")); }
    AppCore& core() { return core_; }
    ChatController& chat() { return *core_.chat(); }
    QString shownReply() const { return core_.messageModel().at(1).content; }

    // The reply as another connection reads it from the database (id 0 when it is not there).
    MessageRecord storedReply() const {
        ChatStore store(dbPath());
        const QList<MessageRecord> list = store.messages(core_.chat()->conversationId());
        return list.size() == 2 ? list[1] : MessageRecord{};
    }

private:
    QTemporaryDir dir_;
    AppCore core_;
};

// Loads the random model and starts a reply; returns once some of it has been saved.
bool startStreaming(StreamingChat& s) {
    ModelController& models = *s.core().models();
    if (!models.load(QStringLiteral(CHORD_SHARED_DIR "/models/untrained/llama-2-tiny-random.gguf"))) return false;
    if (!QTest::qWaitFor([&] { return !models.loading(); }, 60000) || !models.loaded()) return false;
    if (!s.chat().send(QStringLiteral("Once upon a time"))) return false;
    return QTest::qWaitFor([&] { return !s.storedReply().content.isEmpty(); }, 60000);
}

const QString kReplyNotSaved = QStringLiteral("Could not save the reply (is the disk full?)");

}  // namespace

class TestFullDisk : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { ::signal(SIGXFSZ, SIG_IGN); }

    void sendOnAFullDiskReportsAndKeepsTheChat() {
        QTemporaryDir dir;
        const QString dbPath = dir.filePath(QStringLiteral("chats.sqlite"));
        AppCore core(AppCore::Paths{dbPath, dir.filePath(QStringLiteral("settings.ini")), {}});
        core.settings()->setTemperature(0.0);
        core.settings()->setMaxTokens(16);
        ModelController& models = *core.models();
        QVERIFY(models.load(chord_app_test::stories260K()));
        QTRY_VERIFY_WITH_TIMEOUT(!models.loading(), 60000);
        QVERIFY2(models.loaded(), qPrintable(models.errorMessage()));

        ChatController& chat = *core.chat();
        QSignalSpy finished(&chat, &ChatController::replyFinished);
        QVERIFY(chat.send(QStringLiteral("Once upon a time")));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        const qint64 id = chat.conversationId();
        const QList<MessageRecord> before = core.store().messages(id);
        QCOMPARE(before.size(), 2);

        {
            // The disk is full: a long message cannot be written.
            const qint64 largest = std::max(QFileInfo(dbPath).size(), QFileInfo(dbPath + QStringLiteral("-wal")).size());
            FileSizeLimit full(static_cast<rlim_t>(largest + 4096));
            const QString longMessage = QString(QStringLiteral("All work and no play. ")).repeated(20000);  // ~440 kB
            QVERIFY(!chat.send(longMessage));
            QVERIFY2(chat.errorMessage().contains(QStringLiteral("disk full")), qPrintable(chat.errorMessage()));
            QVERIFY(!chat.generating());
            // The shown chat is as before.
            QCOMPARE(core.messageModel().rowCount(), 2);
            QCOMPARE(core.messageModel().at(1).content, before[1].content);
        }
        // The stored chat is as before, the database intact, and saving works again once there is room.
        QCOMPARE(integrityOf(dbPath), QStringLiteral("ok"));
        {
            ChatStore reopened(dbPath);
            const QList<MessageRecord> after = reopened.messages(id);
            QCOMPARE(after.size(), 2);
            QCOMPARE(after[0].content, before[0].content);
            QCOMPARE(after[1].content, before[1].content);
            QCOMPARE(after[1].state, MessageRecord::State::Complete);
        }
        chat.dismissError();
        QVERIFY(chat.send(QStringLiteral("And then")));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 60000);
        QCOMPARE(core.store().messages(id).size(), 4);
    }

    void streamingReplyOnAFullDiskIsReportedAndSavedLater() {
        StreamingChat s;
        QVERIFY(startStreaming(s));
        QSignalSpy finished(&s.chat(), &ChatController::replyFinished);
        MessageRecord kept;
        {
            FileSizeLimit full(walFullAt(s.dbPath()));
            // The next half-second save fails: the user is told while the reply still streams.
            QTRY_VERIFY_WITH_TIMEOUT(s.chat().errorMessage().startsWith(kReplyNotSaved), 10000);
            QVERIFY(s.chat().generating());
            // The database is intact and holds a reply saved before the disk filled: a part of what is shown.
            QCOMPARE(integrityOf(s.dbPath()), QStringLiteral("ok"));
            kept = s.storedReply();
            QCOMPARE(kept.state, MessageRecord::State::Streaming);
            QVERIFY(!kept.content.isEmpty());
            QVERIFY(s.shownReply().startsWith(kept.content));
            // Later ticks retry and fail too; nothing is half-written meanwhile.
            QTest::qWait(3 * ChatController::kSaveIntervalMs);
            QCOMPARE(s.storedReply().content, kept.content);
            QCOMPARE(integrityOf(s.dbPath()), QStringLiteral("ok"));
        }
        // Room again: the reply is saved again (by a tick, or at its end on a fast machine) and the error goes.
        QTRY_VERIFY_WITH_TIMEOUT(s.storedReply().content.size() > kept.content.size(), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(s.chat().errorMessage().isEmpty(), 10000);
        s.chat().stop();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        const MessageRecord saved = s.storedReply();
        QCOMPARE(saved.content, s.shownReply());
        QVERIFY(saved.state == MessageRecord::State::Stopped || saved.state == MessageRecord::State::Complete);
    }

    void lastSaveOfAReplyOnAFullDiskIsReportedAndRetried() {
        StreamingChat s;
        QVERIFY(startStreaming(s));
        QSignalSpy finished(&s.chat(), &ChatController::replyFinished);
        MessageRecord kept;
        {
            FileSizeLimit full(walFullAt(s.dbPath()));
            s.chat().stop();
            QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
            // The reply ended but its final save failed: the user is told, the store keeps the streaming state.
            QVERIFY(s.chat().errorMessage().startsWith(kReplyNotSaved));
            QCOMPARE(integrityOf(s.dbPath()), QStringLiteral("ok"));
            kept = s.storedReply();
            QCOMPARE(kept.state, MessageRecord::State::Streaming);
            QVERIFY(s.shownReply().startsWith(kept.content));
            // A new message waits for the reply's save rather than building on a chat the store lacks.
            QVERIFY(!s.chat().send(QStringLiteral("And then")));
            QVERIFY(s.chat().errorMessage().startsWith(kReplyNotSaved));
        }
        // Room again: the retry stores the reply as shown, with its final state, and the error goes.
        QTRY_COMPARE_WITH_TIMEOUT(s.storedReply().state, MessageRecord::State::Stopped, 10000);
        QCOMPARE(s.storedReply().content, s.shownReply());
        QVERIFY(s.chat().errorMessage().isEmpty());
        QCOMPARE(s.core().messageModel().rowCount(), 2);
    }
};

CHORD_APP_TEST_MAIN(TestFullDisk)
#include "test_full_disk.moc"
