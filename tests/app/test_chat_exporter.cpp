// ChatExporter: Markdown for people, JSON for tools.
#include <QGuiApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include "app_test_environment.h"
#include "chat_exporter.h"

using chord::app::ChatExporter;
using chord::app::ConversationRecord;
using chord::app::MessageRecord;

class TestChatExporter : public QObject {
    Q_OBJECT
private slots:
    void init() {
        conversation_.id = 3;
        conversation_.title = QStringLiteral("Robots");
        conversation_.systemPrompt = QStringLiteral("Be brief.\nBe kind.");
        conversation_.createdAt = QDateTime::fromSecsSinceEpoch(1700000000, Qt::UTC);
        MessageRecord user;
        user.role = MessageRecord::Role::User;
        user.content = QStringLiteral("Write code");
        user.createdAt = conversation_.createdAt;
        MessageRecord reply;
        reply.role = MessageRecord::Role::Assistant;
        reply.content = QStringLiteral("```cpp\nint x = 1;\n```\n");
        reply.stats = QStringLiteral("9 tokens");
        reply.createdAt = conversation_.createdAt.addSecs(2);
        messages_ = {user, reply};
    }

    void markdown() {
        const QString md = ChatExporter::toMarkdown(conversation_, messages_);
        QVERIFY(md.startsWith(QStringLiteral("# Robots\n\n")));
        QVERIFY(md.contains(QStringLiteral("> **System prompt:** Be brief.\n> Be kind.")));
        QVERIFY(md.contains(QStringLiteral("## You\n\nWrite code\n\n## Chord\n\n```cpp\nint x = 1;\n```\n")));
    }

    void json() {
        const QJsonDocument doc = QJsonDocument::fromJson(ChatExporter::toJson(conversation_, messages_, QStringLiteral("llama")));
        QVERIFY(doc.isObject());
        const QJsonObject o = doc.object();
        QCOMPARE(o[QStringLiteral("format")].toString(), QStringLiteral("chord-chat-1"));
        QCOMPARE(o[QStringLiteral("title")].toString(), QStringLiteral("Robots"));
        QCOMPARE(o[QStringLiteral("model")].toString(), QStringLiteral("llama"));
        QCOMPARE(o[QStringLiteral("system_prompt")].toString(), QStringLiteral("Be brief.\nBe kind."));
        QCOMPARE(o[QStringLiteral("created")].toString(), QStringLiteral("2023-11-14T22:13:20Z"));
        const QJsonArray list = o[QStringLiteral("messages")].toArray();
        QCOMPARE(list.size(), 2);
        QCOMPARE(list[0].toObject()[QStringLiteral("role")].toString(), QStringLiteral("user"));
        QCOMPARE(list[1].toObject()[QStringLiteral("role")].toString(), QStringLiteral("assistant"));
        QCOMPARE(list[1].toObject()[QStringLiteral("content")].toString(), QStringLiteral("```cpp\nint x = 1;\n```\n"));
        QCOMPARE(list[1].toObject()[QStringLiteral("stats")].toString(), QStringLiteral("9 tokens"));
    }

private:
    ConversationRecord conversation_;
    QList<MessageRecord> messages_;
};

CHORD_APP_TEST_MAIN(TestChatExporter)
#include "test_chat_exporter.moc"
