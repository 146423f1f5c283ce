#pragma once
// The messages of the conversation on screen, on the GUI thread. Streaming text is appended in the
// batches EngineWorker sends; each batch is one dataChanged on one row.
#include <QAbstractListModel>
#include <QList>
#include <QtQml/qqmlregistration.h>

#include "chat_store.h"

namespace chord::app {

class MessageModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role { IdRole = Qt::UserRole + 1, AuthorRole, ContentRole, StateRole, StatsRole };
    Q_ENUM(Role)

    explicit MessageModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setMessages(const QList<MessageRecord>& messages);
    void append(const MessageRecord& message);
    // Appends a user or assistant message held only in memory (QML component tests, previews).
    Q_INVOKABLE void appendMessage(const QString& author, const QString& content, const QString& state = {});
    Q_INVOKABLE void clear();
    bool appendText(qint64 messageId, const QString& text);
    bool setContent(qint64 messageId, const QString& content);
    bool setState(qint64 messageId, MessageRecord::State state, const QString& stats = {});
    void removeFromRow(int row);  // the row and everything after it

    int rowOf(qint64 messageId) const;  // -1 when absent
    const MessageRecord& at(int row) const { return messages_[row]; }
    const QList<MessageRecord>& messages() const { return messages_; }

    static QString stateName(MessageRecord::State state);

signals:
    void countChanged();

private:
    QList<MessageRecord> messages_;
};

}  // namespace chord::app
