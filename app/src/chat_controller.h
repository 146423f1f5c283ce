#pragma once
// The chat actions the UI calls: send, stop, regenerate, edit-and-resend, switch and manage
// conversations, export. It keeps the store, the conversation list and the message model in step
// with the worker's replies: a message is saved when created, a streaming reply twice a second and
// when it ends (so a crash or kill loses nothing shown more than a second before it, even when the
// timer runs late on a busy machine). A reply save that fails (a full disk) is reported and retried on
// the same timer, also after the reply ended, until it is stored.
#include <QObject>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

#include "conversation_list_model.h"
#include "engine_messages.h"
#include "message_model.h"

namespace chord::app {

class AppSettings;
class ChatStore;
class EngineWorker;
class ModelController;

class ChatController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Provided by the application")
    Q_PROPERTY(qint64 conversationId READ conversationId NOTIFY conversationChanged)
    Q_PROPERTY(QString title READ title NOTIFY conversationChanged)
    Q_PROPERTY(QString systemPrompt READ systemPrompt WRITE setSystemPrompt NOTIFY conversationChanged)
    Q_PROPERTY(bool generating READ generating NOTIFY generatingChanged)
    Q_PROPERTY(QString errorMessage READ errorMessage NOTIFY errorChanged)
    Q_PROPERTY(chord::app::MessageModel* messages READ messages CONSTANT)
    Q_PROPERTY(chord::app::ConversationListModel* conversations READ conversations CONSTANT)
public:
    static constexpr int kSaveIntervalMs = 500;

    ChatController(ChatStore& store, ConversationListModel& conversations, MessageModel& messages,
                   EngineWorker& worker, AppSettings& settings, ModelController& models, QObject* parent = nullptr);
    ~ChatController() override;  // a reply still streaming is saved as Interrupted

    qint64 conversationId() const { return conversationId_; }
    QString title() const;
    QString systemPrompt() const;
    void setSystemPrompt(const QString& prompt);
    bool generating() const { return activeRequest_ != 0; }
    QString errorMessage() const { return errorMessage_; }
    MessageModel* messages() const { return &messages_; }
    ConversationListModel* conversations() const { return &conversations_; }

    Q_INVOKABLE void newConversation();
    Q_INVOKABLE void openConversation(qint64 id);
    Q_INVOKABLE bool deleteConversation(qint64 id);
    Q_INVOKABLE bool renameConversation(qint64 id, const QString& title);
    Q_INVOKABLE bool send(const QString& text);
    Q_INVOKABLE void stop();
    Q_INVOKABLE bool regenerate();
    Q_INVOKABLE bool editAndResend(int row, const QString& text);
    Q_INVOKABLE void copyText(const QString& text) const;
    // Markdown for *.md (and anything else), JSON for *.json. Accepts paths and file:// URLs.
    Q_INVOKABLE bool exportConversation(const QString& pathOrUrl);
    Q_INVOKABLE QString suggestedExportName(const QString& extension) const;
    Q_INVOKABLE void dismissError();
    // Benchmarks: replies run to the maximum length, past end-of-generation tokens (chord --bench-generate).
    void setStopAtEndOfGeneration(bool stop) { stopAtEndOfGeneration_ = stop; }

signals:
    void conversationChanged();
    void generatingChanged();
    void errorChanged();
    void replyStarted();
    void replyFinished(const chord::app::GenerationReport& report);

private:
    bool canGenerate();
    bool startReply();
    void onText(quint64 requestId, const QString& text);
    void onFinished(const GenerationReport& report);
    void onFailed(quint64 requestId, const QString& message);
    void saveStreaming();
    bool saveReply();
    void endReply(int state, const QString& stats);
    void setError(const QString& message);

    ChatStore& store_;
    ConversationListModel& conversations_;
    MessageModel& messages_;
    EngineWorker& worker_;
    AppSettings& settings_;
    ModelController& models_;

    qint64 conversationId_ = 0;
    quint64 activeRequest_ = 0;
    qint64 activeMessageId_ = 0;
    qint64 activeConversationId_ = 0;
    // The reply as it should be stored; it outlives the generation while its final save is still pending.
    struct Reply {
        qint64 messageId = 0;
        QString text;
        MessageRecord::State state = MessageRecord::State::Streaming;
        QString stats;
    };
    Reply reply_;
    bool unsaved_ = false;      // the store lags behind reply_
    bool saveFailing_ = false;  // the last save failed: reported once, not on every retry
    QTimer saveTimer_;
    QString errorMessage_;
    bool stopAtEndOfGeneration_ = true;
};

}  // namespace chord::app
