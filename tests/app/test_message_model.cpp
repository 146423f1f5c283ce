// MessageModel: roles, streaming appends as single-row changes, truncation; QAbstractItemModelTester
// watches every change.
#include <QAbstractItemModelTester>
#include <QGuiApplication>
#include <QSignalSpy>
#include <QtTest>

#include "app_test_environment.h"
#include "message_model.h"

using chord::app::MessageModel;
using chord::app::MessageRecord;

namespace {
MessageRecord message(qint64 id, MessageRecord::Role role, const QString& text,
                      MessageRecord::State state = MessageRecord::State::Complete) {
    MessageRecord m;
    m.id = id;
    m.conversationId = 1;
    m.role = role;
    m.content = text;
    m.state = state;
    return m;
}
}  // namespace

class TestMessageModel : public QObject {
    Q_OBJECT
private slots:
    void rolesAndData() {
        MessageModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setMessages({message(1, MessageRecord::Role::User, QStringLiteral("hi")),
                           message(2, MessageRecord::Role::Assistant, QStringLiteral("hello"), MessageRecord::State::Stopped)});
        QCOMPARE(model.rowCount(), 2);
        const QHash<int, QByteArray> roles = model.roleNames();
        QCOMPARE(roles.value(MessageModel::AuthorRole), QByteArray("author"));
        QCOMPARE(roles.value(MessageModel::ContentRole), QByteArray("content"));
        QCOMPARE(model.data(model.index(0), MessageModel::AuthorRole).toString(), QStringLiteral("user"));
        QCOMPARE(model.data(model.index(1), MessageModel::AuthorRole).toString(), QStringLiteral("assistant"));
        QCOMPARE(model.data(model.index(1), MessageModel::ContentRole).toString(), QStringLiteral("hello"));
        QCOMPARE(model.data(model.index(1), MessageModel::StateRole).toString(), QStringLiteral("stopped"));
        QCOMPARE(model.data(model.index(1), MessageModel::IdRole).toLongLong(), 2);
        QVERIFY(!model.data(model.index(5), MessageModel::ContentRole).isValid());
    }

    void streamingTextChangesOneRow() {
        MessageModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.append(message(1, MessageRecord::Role::User, QStringLiteral("Once")));
        model.append(message(2, MessageRecord::Role::Assistant, QString(), MessageRecord::State::Streaming));
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QVERIFY(model.appendText(2, QStringLiteral(" upon")));
        QVERIFY(model.appendText(2, QStringLiteral(" a time")));
        QCOMPARE(changed.count(), 2);
        QCOMPARE(changed[0][0].value<QModelIndex>().row(), 1);
        QCOMPARE(changed[0][1].value<QModelIndex>().row(), 1);
        QCOMPARE(model.at(1).content, QStringLiteral(" upon a time"));
        QVERIFY(!model.appendText(99, QStringLiteral("x")));
        QVERIFY(model.setState(2, MessageRecord::State::Complete, QStringLiteral("2 tokens")));
        QCOMPARE(model.data(model.index(1), MessageModel::StatsRole).toString(), QStringLiteral("2 tokens"));
        QCOMPARE(model.data(model.index(1), MessageModel::StateRole).toString(), QStringLiteral("complete"));
    }

    void removeFromRowDropsTheTail() {
        MessageModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        for (int i = 0; i < 5; ++i)
            model.append(message(i + 1, i % 2 ? MessageRecord::Role::Assistant : MessageRecord::Role::User,
                                 QString::number(i)));
        QSignalSpy count(&model, &MessageModel::countChanged);
        model.removeFromRow(2);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(count.count(), 1);
        QCOMPARE(model.rowOf(2), 1);
        QCOMPARE(model.rowOf(3), -1);
        model.removeFromRow(7);  // out of range: nothing happens
        QCOMPARE(model.rowCount(), 2);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void appendMessageFromQml() {
        MessageModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.appendMessage(QStringLiteral("user"), QStringLiteral("a"));
        model.appendMessage(QStringLiteral("assistant"), QStringLiteral("b"), QStringLiteral("streaming"));
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.at(1).state, MessageRecord::State::Streaming);
        QVERIFY(model.at(0).id != model.at(1).id);
        QVERIFY(model.at(0).id < 0);
    }
};

CHORD_APP_TEST_MAIN(TestMessageModel)
#include "test_message_model.moc"
