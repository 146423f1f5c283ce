#include "conversation_list_model.h"

namespace chord::app {

ConversationListModel::ConversationListModel(ChatStore& store, QObject* parent)
    : QAbstractListModel(parent), store_(store) {
    reload();
}

int ConversationListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QVariant ConversationListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const ConversationRecord& c = rows_[index.row()];
    switch (role) {
    case IdRole: return c.id;
    case Qt::DisplayRole:
    case TitleRole: return c.title;
    case UpdatedRole: return c.updatedAt;
    case SystemPromptRole: return c.systemPrompt;
    default: return {};
    }
}

QHash<int, QByteArray> ConversationListModel::roleNames() const {
    return {{IdRole, "conversationId"}, {TitleRole, "title"}, {UpdatedRole, "updatedAt"},
            {SystemPromptRole, "systemPrompt"}};
}

void ConversationListModel::setFilter(const QString& filter) {
    if (filter == filter_) return;
    filter_ = filter;
    emit filterChanged();
    reload();
}

void ConversationListModel::reload() {
    beginResetModel();
    rows_ = store_.conversations(filter_);
    endResetModel();
    emit countChanged();
}

qint64 ConversationListModel::create(const QString& title) {
    const qint64 id = store_.createConversation(title);
    if (id == 0) return 0;
    if (!filter_.isEmpty()) {
        filter_.clear();
        emit filterChanged();
    }
    reload();
    return id;
}

bool ConversationListModel::rename(qint64 id, const QString& title) {
    if (title.trimmed().isEmpty() || !store_.renameConversation(id, title.trimmed())) return false;
    const int row = rowOf(id);
    if (row >= 0) {
        rows_[row].title = title.trimmed();
        emit dataChanged(index(row), index(row), {TitleRole, Qt::DisplayRole});
    }
    return true;
}

bool ConversationListModel::remove(qint64 id) {
    if (!store_.deleteConversation(id)) return false;
    const int row = rowOf(id);
    if (row >= 0) {
        beginRemoveRows({}, row, row);
        rows_.removeAt(row);
        endRemoveRows();
        emit countChanged();
    }
    return true;
}

int ConversationListModel::rowOf(qint64 id) const {
    for (qsizetype i = 0; i < rows_.size(); ++i)
        if (rows_[i].id == id) return static_cast<int>(i);
    return -1;
}

qint64 ConversationListModel::idAt(int row) const {
    return row >= 0 && row < rows_.size() ? rows_[row].id : 0;
}

void ConversationListModel::touched(qint64 id) {
    const int row = rowOf(id);
    const ConversationRecord fresh = store_.conversation(id);
    if (fresh.id == 0) return;
    if (row < 0) {
        reload();
        return;
    }
    rows_[row] = fresh;
    emit dataChanged(index(row), index(row));
    if (row > 0) {
        beginMoveRows({}, row, row, {}, 0);
        rows_.move(row, 0);
        endMoveRows();
    }
}

}  // namespace chord::app
