#pragma once
// Conversations and messages in SQLite (Qt Sql): WAL journal, one transaction per change, a schema
// version with step-by-step migrations. Every call commits before it returns, so a crash or kill loses
// nothing that was written. One ChatStore is one connection and must be used on the thread that made it;
// several stores (threads, processes) may share one file.
#include <QDateTime>
#include <QList>
#include <QSqlDatabase>
#include <QString>

namespace chord::app {

struct ConversationRecord {
    qint64 id = 0;
    QString title;
    QString systemPrompt;
    QDateTime createdAt;
    QDateTime updatedAt;
};

struct MessageRecord {
    enum class Role { User = 0, Assistant = 1 };
    // Interrupted: the app closed or was killed while the reply streamed (found at the next start).
    enum class State { Complete = 0, Streaming = 1, Stopped = 2, Failed = 3, Interrupted = 4 };
    qint64 id = 0;
    qint64 conversationId = 0;
    Role role = Role::User;
    QString content;
    State state = State::Complete;
    QString stats;  // a short human summary of the generation ("42 tokens, 310 tok/s")
    QDateTime createdAt;
};

class ChatStore {
public:
    static constexpr int kSchemaVersion = 2;

    // Opens (creating and migrating as needed) the database at path. Throws std::runtime_error with a
    // plain-words message when the file cannot be opened or is newer than this version of Chord.
    explicit ChatStore(const QString& path);
    ~ChatStore();
    ChatStore(const ChatStore&) = delete;
    ChatStore& operator=(const ChatStore&) = delete;

    static QString defaultPath();  // <XDG data dir>/chord/chats.sqlite
    QString path() const { return path_; }
    int schemaVersion() const;

    // Newest first. A non-empty filter matches titles and message text (case-insensitive).
    QList<ConversationRecord> conversations(const QString& filter = {}) const;
    ConversationRecord conversation(qint64 id) const;  // id 0 when missing
    qint64 createConversation(const QString& title, const QString& systemPrompt = {});
    bool renameConversation(qint64 id, const QString& title);
    bool setSystemPrompt(qint64 id, const QString& systemPrompt);
    bool deleteConversation(qint64 id);

    QList<MessageRecord> messages(qint64 conversationId) const;
    qint64 addMessage(qint64 conversationId, MessageRecord::Role role, const QString& content,
                      MessageRecord::State state = MessageRecord::State::Complete);
    bool updateMessage(qint64 messageId, const QString& content, MessageRecord::State state,
                       const QString& stats = {});
    // True only when the store answered and the message is not there (deleted with its chat, regenerated):
    // tells a failed updateMessage on a vanished row from a failed write, which is worth retrying.
    bool messageGone(qint64 messageId) const;
    // Deletes the message and every later one of its conversation (regenerate, edit-and-resend).
    bool deleteMessagesFrom(qint64 messageId);
    // Marks every reply still Streaming as Interrupted (the app calls it at start, when no reply of its
    // own streams: one that does was cut off by a crash, a kill or a close mid-reply). Returns how many.
    int markInterruptedReplies();
    static QString interruptedNote();  // the stats text of such a reply

private:
    void migrate();
    void exec(const QString& sql) const;
    bool touch(qint64 conversationId);

    QString path_;
    QString connectionName_;
    QSqlDatabase db_;
};

}  // namespace chord::app
