// ChatStore: persistence across reopen, migration from schema 1, concurrent writers, search, deletes.
#include <QGuiApplication>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include "app_test_environment.h"
#include "chat_store.h"

using chord::app::ChatStore;
using chord::app::MessageRecord;

class TestChatStore : public QObject {
    Q_OBJECT
private slots:
    void init() { QVERIFY(dir_.isValid()); path_ = dir_.filePath(QStringLiteral("chats-%1.sqlite").arg(++n_)); }

    void newDatabaseHasCurrentSchema() {
        ChatStore store(path_);
        QCOMPARE(store.schemaVersion(), ChatStore::kSchemaVersion);
        QVERIFY(store.conversations().isEmpty());
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("peek"));
        {
            db.setDatabaseName(path_);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("PRAGMA journal_mode")));
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toString(), QStringLiteral("wal"));
            db.close();
        }
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("peek"));
    }

    void everythingSurvivesReopen() {
        qint64 conversation = 0;
        qint64 reply = 0;
        {
            ChatStore store(path_);
            conversation = store.createConversation(QStringLiteral("Robots"), QStringLiteral("Be brief."));
            QVERIFY(conversation > 0);
            QVERIFY(store.addMessage(conversation, MessageRecord::Role::User, QStringLiteral("Once upon a time")) > 0);
            reply = store.addMessage(conversation, MessageRecord::Role::Assistant, QString(),
                                     MessageRecord::State::Streaming);
            QVERIFY(reply > 0);
            QVERIFY(store.updateMessage(reply, QStringLiteral(" there was a robot ünïcode ✓"),
                                        MessageRecord::State::Complete, QStringLiteral("5 tokens")));
        }
        ChatStore reopened(path_);
        const auto conversations = reopened.conversations();
        QCOMPARE(conversations.size(), 1);
        QCOMPARE(conversations[0].title, QStringLiteral("Robots"));
        QCOMPARE(conversations[0].systemPrompt, QStringLiteral("Be brief."));
        const auto messages = reopened.messages(conversation);
        QCOMPARE(messages.size(), 2);
        QCOMPARE(messages[0].role, MessageRecord::Role::User);
        QCOMPARE(messages[0].content, QStringLiteral("Once upon a time"));
        QCOMPARE(messages[1].id, reply);
        QCOMPARE(messages[1].content, QStringLiteral(" there was a robot ünïcode ✓"));
        QCOMPARE(messages[1].state, MessageRecord::State::Complete);
        QCOMPARE(messages[1].stats, QStringLiteral("5 tokens"));
    }

    void migratesFromSchemaOne() {
        // A database as Chord's first schema wrote it, made with plain SQL.
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("v1"));
            db.setDatabaseName(path_);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("CREATE TABLE conversations (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                                          "title TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)")));
            QVERIFY(q.exec(QStringLiteral("CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                                          "conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE, "
                                          "role TEXT NOT NULL, content TEXT NOT NULL, created_at INTEGER NOT NULL)")));
            QVERIFY(q.exec(QStringLiteral("INSERT INTO conversations VALUES (7, 'Old chat', 1000, 2000)")));
            QVERIFY(q.exec(QStringLiteral("INSERT INTO messages VALUES (1, 7, 'user', 'hello', 1000)")));
            QVERIFY(q.exec(QStringLiteral("INSERT INTO messages VALUES (2, 7, 'assistant', 'hi there', 1001)")));
            QVERIFY(q.exec(QStringLiteral("PRAGMA user_version=1")));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("v1"));

        ChatStore store(path_);
        QCOMPARE(store.schemaVersion(), 2);
        const auto conversations = store.conversations();
        QCOMPARE(conversations.size(), 1);
        QCOMPARE(conversations[0].id, 7);
        QCOMPARE(conversations[0].title, QStringLiteral("Old chat"));
        QCOMPARE(conversations[0].systemPrompt, QString());
        const auto messages = store.messages(7);
        QCOMPARE(messages.size(), 2);
        QCOMPARE(messages[1].content, QStringLiteral("hi there"));
        QCOMPARE(messages[1].role, MessageRecord::Role::Assistant);
        QCOMPARE(messages[1].state, MessageRecord::State::Complete);
        // The new columns work on migrated rows.
        QVERIFY(store.setSystemPrompt(7, QStringLiteral("You are kind.")));
        QVERIFY(store.updateMessage(2, QStringLiteral("hi there!"), MessageRecord::State::Stopped, QStringLiteral("stopped")));
        QCOMPARE(store.conversation(7).systemPrompt, QStringLiteral("You are kind."));
        QCOMPARE(store.messages(7)[1].state, MessageRecord::State::Stopped);
    }

    void refusesNewerSchema() {
        {
            ChatStore store(path_);
        }
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("future"));
            db.setDatabaseName(path_);
            QVERIFY(db.open());
            QSqlQuery(db).exec(QStringLiteral("PRAGMA user_version=99"));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("future"));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, ChatStore store(path_));
    }

    void concurrentWritersLoseNothing() {
        { ChatStore init(path_); }
        constexpr int kWriters = 3;
        constexpr int kMessagesEach = 60;
        QList<QThread*> threads;
        QAtomicInt failures = 0;
        for (int w = 0; w < kWriters; ++w) {
            threads.append(QThread::create([this, w, &failures] {
                ChatStore store(path_);  // one connection per thread, as in the app
                const qint64 c = store.createConversation(QStringLiteral("writer %1").arg(w));
                if (c == 0) failures.ref();
                for (int i = 0; i < kMessagesEach; ++i) {
                    const qint64 m = store.addMessage(c, MessageRecord::Role::User, QStringLiteral("m%1").arg(i));
                    if (m == 0 || !store.updateMessage(m, QStringLiteral("m%1 edited").arg(i), MessageRecord::State::Complete))
                        failures.ref();
                }
            }));
        }
        for (QThread* t : threads) t->start();
        for (QThread* t : threads) {
            QVERIFY(t->wait(120000));
            delete t;
        }
        QCOMPARE(failures.loadRelaxed(), 0);
        ChatStore store(path_);
        const auto conversations = store.conversations();
        QCOMPARE(conversations.size(), kWriters);
        for (const auto& c : conversations) {
            const auto messages = store.messages(c.id);
            QCOMPARE(messages.size(), kMessagesEach);
            QCOMPARE(messages.last().content, QStringLiteral("m%1 edited").arg(kMessagesEach - 1));
        }
    }

    void searchMatchesTitlesAndText() {
        ChatStore store(path_);
        const qint64 a = store.createConversation(QStringLiteral("Dragons"));
        const qint64 b = store.createConversation(QStringLiteral("Cooking"));
        store.addMessage(b, MessageRecord::Role::User, QStringLiteral("a recipe with a dragon fruit"));
        store.createConversation(QStringLiteral("100% literal_"));
        QCOMPARE(store.conversations(QStringLiteral("dragon")).size(), 2);
        QCOMPARE(store.conversations(QStringLiteral("DRAGONS")).size(), 1);
        QCOMPARE(store.conversations(QStringLiteral("DRAGONS"))[0].id, a);
        QCOMPARE(store.conversations(QStringLiteral("recipe"))[0].id, b);
        QCOMPARE(store.conversations(QStringLiteral("0%")).size(), 1);  // % is literal, not a wildcard
        QCOMPARE(store.conversations(QStringLiteral("l_")).size(), 1);
        QCOMPARE(store.conversations(QStringLiteral("nothing like this")).size(), 0);
    }

    void newestConversationFirst() {
        ChatStore store(path_);
        const qint64 first = store.createConversation(QStringLiteral("first"));
        QTest::qWait(5);
        const qint64 second = store.createConversation(QStringLiteral("second"));
        QCOMPARE(store.conversations()[0].id, second);
        QTest::qWait(5);
        store.addMessage(first, MessageRecord::Role::User, QStringLiteral("bump"));
        QCOMPARE(store.conversations()[0].id, first);
    }

    void deletesCascadeAndTruncate() {
        ChatStore store(path_);
        const qint64 c = store.createConversation(QStringLiteral("c"));
        const qint64 m1 = store.addMessage(c, MessageRecord::Role::User, QStringLiteral("1"));
        const qint64 m2 = store.addMessage(c, MessageRecord::Role::Assistant, QStringLiteral("2"));
        store.addMessage(c, MessageRecord::Role::User, QStringLiteral("3"));
        QVERIFY(!store.messageGone(m2));
        QVERIFY(store.deleteMessagesFrom(m2));
        QCOMPARE(store.messages(c).size(), 1);
        QCOMPARE(store.messages(c)[0].id, m1);
        // An update of a deleted row fails, and the store says why: the row is gone, not the disk full.
        QVERIFY(!store.updateMessage(m2, QStringLiteral("late"), MessageRecord::State::Complete));
        QVERIFY(store.messageGone(m2));
        QVERIFY(!store.messageGone(m1));
        QVERIFY(store.renameConversation(c, QStringLiteral("renamed")));
        QCOMPARE(store.conversation(c).title, QStringLiteral("renamed"));
        QVERIFY(store.deleteConversation(c));
        QVERIFY(store.messages(c).isEmpty());
        QVERIFY(store.messageGone(m1));
        QCOMPARE(store.conversation(c).id, 0);
        QVERIFY(!store.deleteConversation(c));
        QVERIFY(!store.renameConversation(c, QStringLiteral("gone")));
    }

    void streamingRepliesOfAKilledAppAreMarkedInterrupted() {
        qint64 streaming = 0, done = 0;
        {
            ChatStore store(path_);
            const qint64 c = store.createConversation(QStringLiteral("t"));
            done = store.addMessage(c, MessageRecord::Role::Assistant, QStringLiteral("whole"));
            streaming = store.addMessage(c, MessageRecord::Role::Assistant, QString(), MessageRecord::State::Streaming);
            QVERIFY(store.updateMessage(streaming, QStringLiteral("half a rep"), MessageRecord::State::Streaming));
        }  // killed: the last save left the reply Streaming
        ChatStore store(path_);
        QCOMPARE(store.markInterruptedReplies(), 1);
        const auto messages = store.messages(store.conversations().first().id);
        QCOMPARE(messages[0].id, done);
        QCOMPARE(messages[0].state, MessageRecord::State::Complete);
        QCOMPARE(messages[1].id, streaming);
        QCOMPARE(messages[1].state, MessageRecord::State::Interrupted);
        QCOMPARE(messages[1].content, QStringLiteral("half a rep"));
        QCOMPARE(store.markInterruptedReplies(), 0);
    }

    void defaultPathIsInTheDataDirectory() {
        QVERIFY(ChatStore::defaultPath().endsWith(QStringLiteral("/chord/chats.sqlite")));
        QVERIFY(ChatStore::defaultPath().startsWith(QString::fromLocal8Bit(qgetenv("HOME"))) ||
                ChatStore::defaultPath().startsWith(QString::fromLocal8Bit(qgetenv("XDG_DATA_HOME"))));
    }

private:
    QTemporaryDir dir_;
    QString path_;
    int n_ = 0;
};

CHORD_APP_TEST_MAIN(TestChatStore)
#include "test_chat_store.moc"
