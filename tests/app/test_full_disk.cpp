// A full disk while saving a chat: the save fails, the user is told, and the chat keeps its previous
// state (nothing half-written, the database intact). The disk is made "full" for this process with
// RLIMIT_FSIZE (files may not grow past a few KB beyond their present size; SIGXFSZ ignored so the write
// fails with EFBIG, which SQLite reports as it does ENOSPC), so the test needs no special filesystem.
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
};

CHORD_APP_TEST_MAIN(TestFullDisk)
#include "test_full_disk.moc"
