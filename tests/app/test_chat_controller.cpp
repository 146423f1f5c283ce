// ChatController with the real worker and engine (through AppCore, in temporary directories): send,
// persistence of each message when created, stop, regenerate, edit-and-resend, conversations, export,
// a close or a chat deletion mid-reply.
#include <QFile>
#include <QGuiApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "app_core.h"
#include "app_test_environment.h"
#include "chat_store.h"
#include "message_model.h"

using namespace chord::app;

class TestChatController : public QObject {
    Q_OBJECT
private slots:
    void init() {
        core_ = std::make_unique<AppCore>(AppCore::Paths{dir_.filePath(QStringLiteral("c%1.sqlite").arg(++n_)),
                                                         dir_.filePath(QStringLiteral("s%1.ini").arg(n_)), {}});
        core_->settings()->setTemperature(0.0);
        core_->settings()->setRepeatPenalty(1.0);
        core_->settings()->setMaxTokens(24);
    }
    void cleanup() { core_.reset(); }

    void refusesToSendWithoutAModel() {
        ChatController& chat = *core_->chat();
        QVERIFY(!chat.send(QStringLiteral("hello")));
        QVERIFY(chat.errorMessage().contains(QStringLiteral("No model is loaded")));
        QCOMPARE(core_->store().conversations().size(), 0);
        chat.dismissError();
        QVERIFY(chat.errorMessage().isEmpty());
    }

    void sendStreamsAndSaves() {
        loadModel();
        ChatController& chat = *core_->chat();
        QSignalSpy finished(&chat, &ChatController::replyFinished);
        QVERIFY(chat.send(QStringLiteral("Once upon a time")));
        QVERIFY(chat.generating());
        // Both messages are committed before any token arrives.
        const qint64 id = chat.conversationId();
        QVERIFY(id > 0);
        QCOMPARE(chat.title(), QStringLiteral("Once upon a time"));
        auto stored = core_->store().messages(id);
        QCOMPARE(stored.size(), 2);
        QCOMPARE(stored[0].content, QStringLiteral("Once upon a time"));
        QCOMPARE(stored[1].state, MessageRecord::State::Streaming);

        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        QVERIFY(!chat.generating());
        stored = core_->store().messages(id);
        QCOMPARE(stored[1].state, MessageRecord::State::Complete);
        QVERIFY2(stored[1].content.startsWith(QStringLiteral(", there was a little girl named Lily.")),
                 qPrintable(stored[1].content));
        QVERIFY(stored[1].stats.contains(QStringLiteral("tok/s")));
        const MessageModel& model = core_->messageModel();
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.at(1).content, stored[1].content);
        QCOMPARE(model.data(model.index(1), MessageModel::StateRole).toString(), QStringLiteral("complete"));
        QVERIFY(core_->monitor()->hasSpeed());
        QVERIFY(core_->monitor()->generationTokensPerSecond() > 0);
    }

    void stopEndsTheReplyAsStopped() {
        loadModel();
        core_->settings()->setMaxTokens(2000);
        ChatController& chat = *core_->chat();
        QSignalSpy finished(&chat, &ChatController::replyFinished);
        QVERIFY(chat.send(QStringLiteral("Once upon a time")));
        chat.stop();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        QVERIFY(finished[0][0].value<GenerationReport>().cancelled);
        const auto stored = core_->store().messages(chat.conversationId());
        QCOMPARE(stored.last().state, MessageRecord::State::Stopped);
        QVERIFY(chat.send(QStringLiteral("And then")));  // usable again
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 60000);
    }

    void regenerateReplacesTheLastReply() {
        loadModel();
        ChatController& chat = *core_->chat();
        QSignalSpy finished(&chat, &ChatController::replyFinished);
        QVERIFY(chat.send(QStringLiteral("Once upon a time")));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        const MessageRecord first = core_->messageModel().at(1);
        QVERIFY(chat.regenerate());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 60000);
        const auto stored = core_->store().messages(chat.conversationId());
        QCOMPARE(stored.size(), 2);
        QVERIFY(stored[1].id != first.id);
        QCOMPARE(stored[1].content, first.content);  // greedy: the same reply again
    }

    void editAndResendDropsTheRest() {
        loadModel();
        ChatController& chat = *core_->chat();
        QSignalSpy finished(&chat, &ChatController::replyFinished);
        QVERIFY(chat.send(QStringLiteral("Once upon a time")));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        QVERIFY(!chat.editAndResend(1, QStringLiteral("not a user message")));
        QVERIFY(chat.editAndResend(0, QStringLiteral("Lily and Ben")));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 60000);
        const auto stored = core_->store().messages(chat.conversationId());
        QCOMPARE(stored.size(), 2);
        QCOMPARE(stored[0].content, QStringLiteral("Lily and Ben"));
        QVERIFY(!stored[1].content.isEmpty());
    }

    void conversationsAndSystemPrompt() {
        loadModel();
        ChatController& chat = *core_->chat();
        QSignalSpy finished(&chat, &ChatController::replyFinished);
        QVERIFY(chat.send(QStringLiteral("Once upon a time")));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        const qint64 first = chat.conversationId();
        chat.setSystemPrompt(QStringLiteral("A story about a dog."));
        QCOMPARE(core_->store().conversation(first).systemPrompt, QStringLiteral("A story about a dog."));

        chat.newConversation();
        QCOMPARE(chat.conversationId(), 0);
        QCOMPARE(core_->messageModel().rowCount(), 0);
        QVERIFY(chat.send(QStringLiteral("The dog")));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 60000);
        const qint64 second = chat.conversationId();
        QVERIFY(second != first);
        QCOMPARE(chat.conversations()->rowCount(), 2);
        QCOMPARE(chat.conversations()->idAt(0), second);  // newest first

        chat.openConversation(first);
        QCOMPARE(core_->messageModel().rowCount(), 2);
        QCOMPARE(chat.systemPrompt(), QStringLiteral("A story about a dog."));
        QVERIFY(chat.renameConversation(first, QStringLiteral("Lily")));
        QCOMPARE(chat.title(), QStringLiteral("Lily"));
        QVERIFY(chat.deleteConversation(first));
        QCOMPARE(chat.conversationId(), second);  // the next chat opens
        QCOMPARE(chat.conversations()->rowCount(), 1);
    }

    void exportsMarkdownAndJson() {
        loadModel();
        ChatController& chat = *core_->chat();
        QVERIFY(!chat.exportConversation(dir_.filePath(QStringLiteral("none.md"))));  // nothing to export
        QSignalSpy finished(&chat, &ChatController::replyFinished);
        QVERIFY(chat.send(QStringLiteral("Once upon a time")));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        QCOMPARE(chat.suggestedExportName(QStringLiteral("md")), QStringLiteral("Once-upon-a-time.md"));
        const QString md = dir_.filePath(QStringLiteral("chat.md"));
        const QString json = dir_.filePath(QStringLiteral("chat.json"));
        QVERIFY(chat.exportConversation(QUrl::fromLocalFile(md).toString()));
        QVERIFY(chat.exportConversation(json));
        QFile mdFile(md);
        QVERIFY(mdFile.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(mdFile.readAll());
        QVERIFY(text.startsWith(QStringLiteral("# Once upon a time")));
        QVERIFY(text.contains(QStringLiteral("## You\n\nOnce upon a time")));
        QFile jsonFile(json);
        QVERIFY(jsonFile.open(QIODevice::ReadOnly));
        const QJsonObject o = QJsonDocument::fromJson(jsonFile.readAll()).object();
        QCOMPARE(o[QStringLiteral("messages")].toArray().size(), 2);
        QCOMPARE(o[QStringLiteral("model")].toString(), QStringLiteral("llama"));
    }

    void reopensTheLastChatOnStart() {
        {
            loadModel();
            QSignalSpy finished(core_->chat(), &ChatController::replyFinished);
            QVERIFY(core_->chat()->send(QStringLiteral("Once upon a time")));
            QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        }
        const AppCore::Paths paths{dir_.filePath(QStringLiteral("c%1.sqlite").arg(n_)),
                                   dir_.filePath(QStringLiteral("s%1.ini").arg(n_)), {}};
        core_.reset();
        core_ = std::make_unique<AppCore>(paths);
        QVERIFY(core_->chat()->conversationId() > 0);
        QCOMPARE(core_->messageModel().rowCount(), 2);
        QCOMPARE(core_->settings()->lastModelPath(), QFileInfo(chord_app_test::stories260K()).absoluteFilePath());
    }

    void closingMidReplyKeepsItMarkedInterrupted() {
        loadModel();
        core_->settings()->setMaxTokens(2000);
        ChatController& chat = *core_->chat();
        QVERIFY(chat.send(QStringLiteral("Once upon a time")));
        const qint64 conversation = chat.conversationId();
        QTRY_VERIFY_WITH_TIMEOUT(!core_->messageModel().at(1).content.isEmpty(), 60000);
        core_.reset();  // the app closes while the reply streams

        // Started again on the same files: the reply keeps its text and says it was interrupted.
        core_ = std::make_unique<AppCore>(AppCore::Paths{dir_.filePath(QStringLiteral("c%1.sqlite").arg(n_)),
                                                         dir_.filePath(QStringLiteral("s%1.ini").arg(n_)), {}});
        const auto stored = core_->store().messages(conversation);
        QCOMPARE(stored.size(), 2);
        QCOMPARE(stored[1].state, MessageRecord::State::Interrupted);
        QVERIFY(!stored[1].content.isEmpty());
        QCOMPARE(stored[1].stats, ChatStore::interruptedNote());
        core_->chat()->openConversation(conversation);
        const MessageModel& model = core_->messageModel();
        QCOMPARE(model.data(model.index(1), MessageModel::StateRole).toString(), QStringLiteral("interrupted"));
        QCOMPARE(model.data(model.index(1), MessageModel::StatsRole).toString(), ChatStore::interruptedNote());
    }

    void deletingTheChatMidReplyIsNoSaveError() {
        loadModel();
        core_->settings()->setMaxTokens(2000);
        ChatController& chat = *core_->chat();
        QSignalSpy finished(&chat, &ChatController::replyFinished);
        QVERIFY(chat.send(QStringLiteral("Once upon a time")));
        QTRY_VERIFY_WITH_TIMEOUT(!core_->messageModel().at(1).content.isEmpty(), 60000);
        // The reply's row goes with its chat: the saves that follow have nothing to write, which is no failure.
        QVERIFY(chat.deleteConversation(chat.conversationId()));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        QTest::qWait(2 * ChatController::kSaveIntervalMs);
        QVERIFY2(chat.errorMessage().isEmpty(), qPrintable(chat.errorMessage()));
        QVERIFY(core_->store().conversations().isEmpty());
        QVERIFY(chat.send(QStringLiteral("The dog")));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 60000);
        QVERIFY(chat.errorMessage().isEmpty());
    }

private:
    void loadModel() {
        ModelController& models = *core_->models();
        QVERIFY(models.load(chord_app_test::stories260K()));
        QVERIFY(models.loading());
        QTRY_VERIFY_WITH_TIMEOUT(!models.loading(), 60000);
        QVERIFY2(models.loaded(), qPrintable(models.errorMessage()));
    }

    QTemporaryDir dir_;
    std::unique_ptr<AppCore> core_;
    int n_ = 0;
};

CHORD_APP_TEST_MAIN(TestChatController)
#include "test_chat_controller.moc"
