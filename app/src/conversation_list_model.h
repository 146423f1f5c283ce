#pragma once
// The conversation list on the GUI thread, newest first, filtered by a search text (titles and
// message text). Reads from and writes through a ChatStore.
#include <QAbstractListModel>
#include <QList>
#include <QtQml/qqmlregistration.h>

#include "chat_store.h"

namespace chord::app {

class ConversationListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Provided by the application")
    Q_PROPERTY(QString filter READ filter WRITE setFilter NOTIFY filterChanged)
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role { IdRole = Qt::UserRole + 1, TitleRole, UpdatedRole, SystemPromptRole };

    explicit ConversationListModel(ChatStore& store, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    QString filter() const { return filter_; }
    void setFilter(const QString& filter);

    Q_INVOKABLE void reload();
    Q_INVOKABLE qint64 create(const QString& title);
    Q_INVOKABLE bool rename(qint64 id, const QString& title);
    Q_INVOKABLE bool remove(qint64 id);
    Q_INVOKABLE int rowOf(qint64 id) const;
    Q_INVOKABLE qint64 idAt(int row) const;
    // Moves a conversation to the top after a change (a new message) without a full reload.
    void touched(qint64 id);

signals:
    void filterChanged();
    void countChanged();

private:
    ChatStore& store_;
    QString filter_;
    QList<ConversationRecord> rows_;
};

}  // namespace chord::app
