#include "message_model.h"

namespace chord::app {

MessageModel::MessageModel(QObject* parent) : QAbstractListModel(parent) {}

int MessageModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(messages_.size());
}

QString MessageModel::stateName(MessageRecord::State state) {
    switch (state) {
    case MessageRecord::State::Complete: return QStringLiteral("complete");
    case MessageRecord::State::Streaming: return QStringLiteral("streaming");
    case MessageRecord::State::Stopped: return QStringLiteral("stopped");
    case MessageRecord::State::Failed: return QStringLiteral("failed");
    case MessageRecord::State::Interrupted: return QStringLiteral("interrupted");
    }
    return QStringLiteral("complete");
}

QVariant MessageModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const MessageRecord& m = messages_[index.row()];
    switch (role) {
    case IdRole: return m.id;
    case AuthorRole: return m.role == MessageRecord::Role::User ? QStringLiteral("user") : QStringLiteral("assistant");
    case Qt::DisplayRole:
    case ContentRole: return m.content;
    case StateRole: return stateName(m.state);
    case StatsRole: return m.stats;
    default: return {};
    }
}

QHash<int, QByteArray> MessageModel::roleNames() const {
    return {{IdRole, "messageId"}, {AuthorRole, "author"}, {ContentRole, "content"},
            {StateRole, "status"},  {StatsRole, "stats"}};
}

void MessageModel::setMessages(const QList<MessageRecord>& messages) {
    beginResetModel();
    messages_ = messages;
    endResetModel();
    emit countChanged();
}

void MessageModel::append(const MessageRecord& message) {
    const int row = static_cast<int>(messages_.size());
    beginInsertRows({}, row, row);
    messages_.append(message);
    endInsertRows();
    emit countChanged();
}

void MessageModel::appendMessage(const QString& author, const QString& content, const QString& state) {
    MessageRecord m;
    m.id = -(static_cast<qint64>(messages_.size()) + 1);  // in-memory ids never collide with the store's
    m.role = author == QLatin1String("user") ? MessageRecord::Role::User : MessageRecord::Role::Assistant;
    m.content = content;
    m.state = state == QLatin1String("streaming") ? MessageRecord::State::Streaming
              : state == QLatin1String("stopped") ? MessageRecord::State::Stopped
              : state == QLatin1String("failed")  ? MessageRecord::State::Failed
              : state == QLatin1String("interrupted") ? MessageRecord::State::Interrupted
                                                  : MessageRecord::State::Complete;
    append(m);
}

void MessageModel::clear() { setMessages({}); }

int MessageModel::rowOf(qint64 messageId) const {
    for (qsizetype i = messages_.size() - 1; i >= 0; --i)
        if (messages_[i].id == messageId) return static_cast<int>(i);
    return -1;
}

bool MessageModel::appendText(qint64 messageId, const QString& text) {
    const int row = rowOf(messageId);
    if (row < 0) return false;
    messages_[row].content += text;
    const QModelIndex i = index(row);
    emit dataChanged(i, i, {ContentRole, Qt::DisplayRole});
    return true;
}

bool MessageModel::setContent(qint64 messageId, const QString& content) {
    const int row = rowOf(messageId);
    if (row < 0) return false;
    messages_[row].content = content;
    const QModelIndex i = index(row);
    emit dataChanged(i, i, {ContentRole, Qt::DisplayRole});
    return true;
}

bool MessageModel::setState(qint64 messageId, MessageRecord::State state, const QString& stats) {
    const int row = rowOf(messageId);
    if (row < 0) return false;
    messages_[row].state = state;
    messages_[row].stats = stats;
    const QModelIndex i = index(row);
    emit dataChanged(i, i, {StateRole, StatsRole});
    return true;
}

void MessageModel::removeFromRow(int row) {
    if (row < 0 || row >= messages_.size()) return;
    beginRemoveRows({}, row, static_cast<int>(messages_.size()) - 1);
    messages_.resize(row);
    endRemoveRows();
    emit countChanged();
}

}  // namespace chord::app
