#include "chat_store.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QVariant>
#include <spdlog/spdlog.h>
#include <stdexcept>

namespace chord::app {

namespace {

QAtomicInteger<quint64> nextConnection{0};

QString roleName(MessageRecord::Role role) {
    return role == MessageRecord::Role::User ? QStringLiteral("user") : QStringLiteral("assistant");
}

MessageRecord::Role roleFromName(const QString& name) {
    return name == QLatin1String("user") ? MessageRecord::Role::User : MessageRecord::Role::Assistant;
}

qint64 nowMs() { return QDateTime::currentMSecsSinceEpoch(); }

// A null QString binds as SQL NULL, which the NOT NULL text columns refuse: bind "" instead.
QString text(const QString& s) { return s.isNull() ? QStringLiteral("") : s; }

bool logged(const QSqlQuery& q, bool ok) {
    if (!ok) spdlog::warn("chat history: {} failed: {}", q.lastQuery().toStdString(), q.lastError().text().toStdString());
    return ok;
}

// BEGIN IMMEDIATE takes the write lock up front, so concurrent writers wait on busy_timeout instead of
// failing when a read transaction tries to upgrade.
class WriteTransaction {
public:
    explicit WriteTransaction(QSqlDatabase& db) : db_(db) {
        QSqlQuery q(db_);
        active_ = q.exec(QStringLiteral("BEGIN IMMEDIATE"));
        if (!active_) spdlog::warn("chat history: cannot start a write: {}", q.lastError().text().toStdString());
    }
    ~WriteTransaction() {
        if (active_) QSqlQuery(db_).exec(QStringLiteral("ROLLBACK"));
    }
    WriteTransaction(const WriteTransaction&) = delete;
    WriteTransaction& operator=(const WriteTransaction&) = delete;
    bool active() const { return active_; }
    bool commit() {
        if (!active_) return false;
        active_ = false;
        return QSqlQuery(db_).exec(QStringLiteral("COMMIT"));
    }

private:
    QSqlDatabase& db_;
    bool active_ = false;
};

ConversationRecord conversationFrom(const QSqlQuery& q) {
    ConversationRecord c;
    c.id = q.value(0).toLongLong();
    c.title = q.value(1).toString();
    c.systemPrompt = q.value(2).toString();
    c.createdAt = QDateTime::fromMSecsSinceEpoch(q.value(3).toLongLong());
    c.updatedAt = QDateTime::fromMSecsSinceEpoch(q.value(4).toLongLong());
    return c;
}

}  // namespace

ChatStore::ChatStore(const QString& path)
    : path_(path), connectionName_(QStringLiteral("chord-store-%1").arg(++nextConnection)) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    db_ = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connectionName_);
    db_.setDatabaseName(path);
    db_.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
    if (!db_.open())
        throw std::runtime_error(QStringLiteral("Cannot open the chat history %1: %2")
                                     .arg(path, db_.lastError().text())
                                     .toStdString());
    exec(QStringLiteral("PRAGMA journal_mode=WAL"));
    exec(QStringLiteral("PRAGMA synchronous=NORMAL"));
    exec(QStringLiteral("PRAGMA foreign_keys=ON"));
    migrate();
}

ChatStore::~ChatStore() {
    db_.close();
    db_ = QSqlDatabase();
    QSqlDatabase::removeDatabase(connectionName_);
}

QString ChatStore::defaultPath() {
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
           QStringLiteral("/chord/chats.sqlite");
}

void ChatStore::exec(const QString& sql) const {
    QSqlQuery q(db_);
    if (!q.exec(sql))
        throw std::runtime_error(QStringLiteral("Chat history %1: %2 failed: %3")
                                     .arg(path_, sql, q.lastError().text())
                                     .toStdString());
}

int ChatStore::schemaVersion() const {
    QSqlQuery q(db_);
    q.exec(QStringLiteral("PRAGMA user_version"));
    return q.next() ? q.value(0).toInt() : 0;
}

// Version 1: conversations and messages. Version 2: per-chat system prompt, message state and stats.
void ChatStore::migrate() {
    const int version = schemaVersion();
    if (version > kSchemaVersion)
        throw std::runtime_error(QStringLiteral("The chat history %1 was written by a newer Chord (schema %2); "
                                                "this version understands schema %3.")
                                     .arg(path_)
                                     .arg(version)
                                     .arg(kSchemaVersion)
                                     .toStdString());
    if (version == kSchemaVersion) return;
    WriteTransaction tx(db_);
    if (version < 1) {
        exec(QStringLiteral("CREATE TABLE IF NOT EXISTS conversations ("
                            " id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL,"
                            " created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)"));
        exec(QStringLiteral("CREATE TABLE IF NOT EXISTS messages ("
                            " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                            " conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,"
                            " role TEXT NOT NULL, content TEXT NOT NULL, created_at INTEGER NOT NULL)"));
        exec(QStringLiteral("CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages(conversation_id, id)"));
    }
    if (version < 2) {
        exec(QStringLiteral("ALTER TABLE conversations ADD COLUMN system_prompt TEXT NOT NULL DEFAULT ''"));
        exec(QStringLiteral("ALTER TABLE messages ADD COLUMN state INTEGER NOT NULL DEFAULT 0"));
        exec(QStringLiteral("ALTER TABLE messages ADD COLUMN stats TEXT NOT NULL DEFAULT ''"));
    }
    exec(QStringLiteral("PRAGMA user_version=%1").arg(kSchemaVersion));
    if (!tx.commit())
        throw std::runtime_error(QStringLiteral("Could not upgrade the chat history %1: %2")
                                     .arg(path_, db_.lastError().text())
                                     .toStdString());
}

QList<ConversationRecord> ChatStore::conversations(const QString& filter) const {
    QSqlQuery q(db_);
    const QString columns = QStringLiteral("SELECT id, title, system_prompt, created_at, updated_at FROM conversations");
    if (filter.trimmed().isEmpty()) {
        q.prepare(columns + QStringLiteral(" ORDER BY updated_at DESC, id DESC"));
    } else {
        q.prepare(columns + QStringLiteral(" WHERE title LIKE :title ESCAPE '\\' OR id IN"
                                           " (SELECT conversation_id FROM messages WHERE content LIKE :content ESCAPE '\\')"
                                           " ORDER BY updated_at DESC, id DESC"));
        QString escaped = filter.trimmed();
        escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\"))
            .replace(QLatin1Char('%'), QLatin1String("\\%"))
            .replace(QLatin1Char('_'), QLatin1String("\\_"));
        const QString pattern = QStringLiteral("%") + escaped + QStringLiteral("%");
        q.bindValue(QStringLiteral(":title"), pattern);
        q.bindValue(QStringLiteral(":content"), pattern);
    }
    QList<ConversationRecord> out;
    if (!q.exec()) return out;
    while (q.next()) out.append(conversationFrom(q));
    return out;
}

ConversationRecord ChatStore::conversation(qint64 id) const {
    QSqlQuery q(db_);
    q.prepare(QStringLiteral("SELECT id, title, system_prompt, created_at, updated_at FROM conversations WHERE id = ?"));
    q.addBindValue(id);
    if (q.exec() && q.next()) return conversationFrom(q);
    return {};
}

qint64 ChatStore::createConversation(const QString& title, const QString& systemPrompt) {
    WriteTransaction tx(db_);
    QSqlQuery q(db_);
    q.prepare(QStringLiteral("INSERT INTO conversations (title, system_prompt, created_at, updated_at) VALUES (?, ?, ?, ?)"));
    const qint64 now = nowMs();
    q.addBindValue(text(title));
    q.addBindValue(text(systemPrompt));
    q.addBindValue(now);
    q.addBindValue(now);
    if (!tx.active() || !logged(q, q.exec())) return 0;
    const qint64 id = q.lastInsertId().toLongLong();
    return tx.commit() ? id : 0;
}

bool ChatStore::touch(qint64 conversationId) {
    QSqlQuery q(db_);
    q.prepare(QStringLiteral("UPDATE conversations SET updated_at = ? WHERE id = ?"));
    q.addBindValue(nowMs());
    q.addBindValue(conversationId);
    return q.exec();
}

bool ChatStore::renameConversation(qint64 id, const QString& title) {
    WriteTransaction tx(db_);
    QSqlQuery q(db_);
    q.prepare(QStringLiteral("UPDATE conversations SET title = ? WHERE id = ?"));
    q.addBindValue(text(title));
    q.addBindValue(id);
    return tx.active() && logged(q, q.exec()) && q.numRowsAffected() == 1 && tx.commit();
}

bool ChatStore::setSystemPrompt(qint64 id, const QString& systemPrompt) {
    WriteTransaction tx(db_);
    QSqlQuery q(db_);
    q.prepare(QStringLiteral("UPDATE conversations SET system_prompt = ? WHERE id = ?"));
    q.addBindValue(text(systemPrompt));
    q.addBindValue(id);
    return tx.active() && logged(q, q.exec()) && q.numRowsAffected() == 1 && tx.commit();
}

bool ChatStore::deleteConversation(qint64 id) {
    WriteTransaction tx(db_);
    QSqlQuery q(db_);
    q.prepare(QStringLiteral("DELETE FROM conversations WHERE id = ?"));
    q.addBindValue(id);
    return tx.active() && logged(q, q.exec()) && q.numRowsAffected() == 1 && tx.commit();
}

QList<MessageRecord> ChatStore::messages(qint64 conversationId) const {
    QSqlQuery q(db_);
    q.prepare(QStringLiteral("SELECT id, conversation_id, role, content, state, stats, created_at FROM messages"
                             " WHERE conversation_id = ? ORDER BY id"));
    q.addBindValue(conversationId);
    QList<MessageRecord> out;
    if (!q.exec()) return out;
    while (q.next()) {
        MessageRecord m;
        m.id = q.value(0).toLongLong();
        m.conversationId = q.value(1).toLongLong();
        m.role = roleFromName(q.value(2).toString());
        m.content = q.value(3).toString();
        m.state = static_cast<MessageRecord::State>(q.value(4).toInt());
        m.stats = q.value(5).toString();
        m.createdAt = QDateTime::fromMSecsSinceEpoch(q.value(6).toLongLong());
        out.append(m);
    }
    return out;
}

qint64 ChatStore::addMessage(qint64 conversationId, MessageRecord::Role role, const QString& content,
                             MessageRecord::State state) {
    WriteTransaction tx(db_);
    QSqlQuery q(db_);
    q.prepare(QStringLiteral("INSERT INTO messages (conversation_id, role, content, state, created_at) VALUES (?, ?, ?, ?, ?)"));
    q.addBindValue(conversationId);
    q.addBindValue(roleName(role));
    q.addBindValue(text(content));
    q.addBindValue(static_cast<int>(state));
    q.addBindValue(nowMs());
    if (!tx.active() || !logged(q, q.exec())) return 0;
    const qint64 id = q.lastInsertId().toLongLong();
    if (!touch(conversationId)) return 0;
    return tx.commit() ? id : 0;
}

bool ChatStore::updateMessage(qint64 messageId, const QString& content, MessageRecord::State state,
                              const QString& stats) {
    WriteTransaction tx(db_);
    QSqlQuery q(db_);
    q.prepare(QStringLiteral("UPDATE messages SET content = ?, state = ?, stats = ? WHERE id = ?"));
    q.addBindValue(text(content));
    q.addBindValue(static_cast<int>(state));
    q.addBindValue(text(stats));
    q.addBindValue(messageId);
    return tx.active() && logged(q, q.exec()) && q.numRowsAffected() == 1 && tx.commit();
}

bool ChatStore::messageGone(qint64 messageId) const {
    QSqlQuery q(db_);
    q.prepare(QStringLiteral("SELECT 1 FROM messages WHERE id = ?"));
    q.addBindValue(messageId);
    return logged(q, q.exec()) && !q.next() && !q.lastError().isValid();
}

bool ChatStore::deleteMessagesFrom(qint64 messageId) {
    WriteTransaction tx(db_);
    QSqlQuery q(db_);
    q.prepare(QStringLiteral("DELETE FROM messages WHERE conversation_id = (SELECT conversation_id FROM messages WHERE id = ?)"
                             " AND id >= ?"));
    q.addBindValue(messageId);
    q.addBindValue(messageId);
    return tx.active() && logged(q, q.exec()) && tx.commit();
}

int ChatStore::markInterruptedReplies() {
    WriteTransaction tx(db_);
    QSqlQuery q(db_);
    q.prepare(QStringLiteral("UPDATE messages SET state = ?, stats = ? WHERE state = ?"));
    q.addBindValue(static_cast<int>(MessageRecord::State::Interrupted));
    q.addBindValue(interruptedNote());
    q.addBindValue(static_cast<int>(MessageRecord::State::Streaming));
    if (!tx.active() || !logged(q, q.exec())) return 0;
    const int n = q.numRowsAffected();
    return tx.commit() ? n : 0;
}

QString ChatStore::interruptedNote() { return QStringLiteral("interrupted: Chord closed before this reply ended"); }

}  // namespace chord::app
