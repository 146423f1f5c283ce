// ConversationListModel over a real ChatStore: create, rename, delete, search, move-to-top.
#include <QAbstractItemModelTester>
#include <QGuiApplication>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "app_test_environment.h"
#include "chat_store.h"
#include "conversation_list_model.h"

using chord::app::ChatStore;
using chord::app::ConversationListModel;
using chord::app::MessageRecord;

class TestConversationListModel : public QObject {
    Q_OBJECT
private slots:
    void init() { store_ = std::make_unique<ChatStore>(dir_.filePath(QStringLiteral("c%1.sqlite").arg(++n_))); }
    void cleanup() { store_.reset(); }

    void loadsWhatTheStoreHas() {
        store_->createConversation(QStringLiteral("one"));
        QTest::qWait(3);
        store_->createConversation(QStringLiteral("two"));
        ConversationListModel model(*store_);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.data(model.index(0), ConversationListModel::TitleRole).toString(), QStringLiteral("two"));
        QCOMPARE(model.roleNames().value(ConversationListModel::IdRole), QByteArray("conversationId"));
    }

    void createRenameRemove() {
        ConversationListModel model(*store_);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const qint64 a = model.create(QStringLiteral("alpha"));
        QVERIFY(a > 0);
        QCOMPARE(model.rowCount(), 1);
        QVERIFY(model.rename(a, QStringLiteral("  beta  ")));
        QCOMPARE(model.data(model.index(0), Qt::DisplayRole).toString(), QStringLiteral("beta"));
        QCOMPARE(store_->conversation(a).title, QStringLiteral("beta"));
        QVERIFY(!model.rename(a, QStringLiteral("   ")));
        QVERIFY(model.remove(a));
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(!model.remove(a));
    }

    void filterSearches() {
        ConversationListModel model(*store_);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const qint64 a = model.create(QStringLiteral("Space trip"));
        model.create(QStringLiteral("Groceries"));
        store_->addMessage(a, MessageRecord::Role::User, QStringLiteral("the moon is far"));
        QSignalSpy filterChanged(&model, &ConversationListModel::filterChanged);
        model.setFilter(QStringLiteral("moon"));
        QCOMPARE(filterChanged.count(), 1);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.idAt(0), a);
        model.setFilter(QString());
        QCOMPARE(model.rowCount(), 2);
        // Creating a chat while filtering clears the filter so the new chat is visible.
        model.setFilter(QStringLiteral("zzz"));
        QCOMPARE(model.rowCount(), 0);
        const qint64 c = model.create(QStringLiteral("new"));
        QCOMPARE(model.filter(), QString());
        QVERIFY(model.rowOf(c) >= 0);
    }

    void touchedMovesToTop() {
        ConversationListModel model(*store_);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const qint64 old = model.create(QStringLiteral("old"));
        QTest::qWait(3);
        model.create(QStringLiteral("new"));
        QCOMPARE(model.rowOf(old), 1);
        QTest::qWait(3);
        store_->addMessage(old, MessageRecord::Role::User, QStringLiteral("x"));
        model.touched(old);
        QCOMPARE(model.rowOf(old), 0);
        QCOMPARE(model.idAt(5), 0);
    }

private:
    QTemporaryDir dir_;
    std::unique_ptr<ChatStore> store_;
    int n_ = 0;
};

CHORD_APP_TEST_MAIN(TestConversationListModel)
#include "test_conversation_list_model.moc"
