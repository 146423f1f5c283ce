#include "chat_controller.h"

#include <QClipboard>
#include <QFileInfo>
#include <QGuiApplication>
#include <QRegularExpression>
#include <QSaveFile>
#include <spdlog/spdlog.h>

#include "app_settings.h"
#include "chat_exporter.h"
#include "chat_store.h"
#include "conversation_list_model.h"
#include "engine_worker.h"
#include "message_model.h"
#include "model_controller.h"

namespace chord::app {

namespace {

QString titleFrom(const QString& text) {
    constexpr int kTitleChars = 40;
    QString title = text.simplified();
    if (title.size() > kTitleChars) title = title.left(kTitleChars).trimmed() + QStringLiteral("…");
    return title.isEmpty() ? QStringLiteral("New chat") : title;
}

QString statsText(const GenerationReport& r) {
    if (r.generatedTokens == 0) return r.cancelled ? QStringLiteral("stopped") : QString();
    QString text = QStringLiteral("%1 tokens · %2 tok/s · first token %3 s")
                       .arg(r.generatedTokens)
                       .arg(r.generationTokensPerSecond, 0, 'f', 1)
                       .arg(r.timeToFirstToken, 0, 'f', 2);
    if (r.cancelled) text += QStringLiteral(" · stopped");
    return text;
}

const QString kReplyNotSaved = QStringLiteral(
    "Could not save the reply (is the disk full?). It stays on screen; Chord keeps trying to save it.");

}  // namespace

ChatController::ChatController(ChatStore& store, ConversationListModel& conversations, MessageModel& messages,
                               EngineWorker& worker, AppSettings& settings, ModelController& models, QObject* parent)
    : QObject(parent), store_(store), conversations_(conversations), messages_(messages), worker_(worker),
      settings_(settings), models_(models) {
    connect(&worker_, &EngineWorker::textReady, this, &ChatController::onText);
    connect(&worker_, &EngineWorker::generationFinished, this, &ChatController::onFinished);
    connect(&worker_, &EngineWorker::generationFailed, this, &ChatController::onFailed);
    saveTimer_.setInterval(kSaveIntervalMs);
    connect(&saveTimer_, &QTimer::timeout, this, &ChatController::saveStreaming);
    connect(&settings_, &AppSettings::attentionBackendChanged, this,
            [this](bool flash) { worker_.requestAttention(flash); });
    if (conversations_.rowCount() > 0) openConversation(conversations_.idAt(0));
}

ChatController::~ChatController() {
    if (generating()) {
        // The app closes mid-reply: what streamed so far is kept and marked, as after a crash.
        worker_.requestStop();
        reply_.state = MessageRecord::State::Interrupted;
        reply_.stats = ChatStore::interruptedNote();
        unsaved_ = true;
    }
    // A last try for a reply whose save is pending; if it fails too, the next start marks a row still
    // Streaming as Interrupted.
    if (!saveReply()) spdlog::error("chat: the reply could not be saved before closing");
}

QString ChatController::title() const { return store_.conversation(conversationId_).title; }

QString ChatController::systemPrompt() const { return store_.conversation(conversationId_).systemPrompt; }

void ChatController::setSystemPrompt(const QString& prompt) {
    if (conversationId_ == 0) {
        conversationId_ = conversations_.create(QStringLiteral("New chat"));
        messages_.clear();
    }
    if (prompt == systemPrompt()) return;
    store_.setSystemPrompt(conversationId_, prompt);
    emit conversationChanged();
}

void ChatController::newConversation() {
    if (generating()) stop();
    // An empty chat is reused rather than piling up untitled ones.
    if (conversationId_ != 0 && messages_.rowCount() == 0 && systemPrompt().isEmpty()) return;
    conversationId_ = 0;
    messages_.clear();
    emit conversationChanged();
}

void ChatController::openConversation(qint64 id) {
    if (id == conversationId_) return;
    if (generating()) stop();
    const ConversationRecord record = store_.conversation(id);
    if (record.id == 0) return;
    conversationId_ = id;
    messages_.setMessages(store_.messages(id));
    emit conversationChanged();
}

bool ChatController::deleteConversation(qint64 id) {
    if (id == activeConversationId_ && generating()) stop();
    if (!conversations_.remove(id)) return false;
    if (id == conversationId_) {
        conversationId_ = 0;
        messages_.clear();
        if (conversations_.rowCount() > 0) openConversation(conversations_.idAt(0));
        else emit conversationChanged();
    }
    return true;
}

bool ChatController::renameConversation(qint64 id, const QString& title) {
    const bool ok = conversations_.rename(id, title);
    if (ok && id == conversationId_) emit conversationChanged();
    return ok;
}

bool ChatController::canGenerate() {
    if (generating()) return false;
    // The last reply is stored before the chat moves on (it may be regenerated or its successor saved).
    if (!saveReply()) {
        setError(kReplyNotSaved);
        saveFailing_ = true;
        return false;
    }
    if (!models_.loaded()) {
        setError(models_.loading() ? QStringLiteral("The model is still loading; send again when it is ready.")
                                   : QStringLiteral("No model is loaded. Open a model first."));
        return false;
    }
    return true;
}

bool ChatController::send(const QString& text) {
    if (text.trimmed().isEmpty() || !canGenerate()) return false;
    dismissError();
    if (conversationId_ == 0) {
        conversationId_ = conversations_.create(titleFrom(text));
        if (conversationId_ == 0) {
            setError(QStringLiteral("Could not save the chat (is the disk full?)."));
            return false;
        }
        messages_.clear();
        emit conversationChanged();
    } else if (messages_.rowCount() == 0 && title() == QLatin1String("New chat")) {
        conversations_.rename(conversationId_, titleFrom(text));
        emit conversationChanged();
    }
    MessageRecord user;
    user.conversationId = conversationId_;
    user.role = MessageRecord::Role::User;
    user.content = text;
    user.id = store_.addMessage(conversationId_, user.role, text);
    if (user.id == 0) {
        setError(QStringLiteral("Could not save your message (is the disk full?)."));
        return false;
    }
    messages_.append(user);
    return startReply();
}

bool ChatController::startReply() {
    GenerationRequest request;
    request.systemPrompt = systemPrompt();
    for (const MessageRecord& m : messages_.messages()) {
        if (m.content.isEmpty()) continue;
        request.turns.append({m.role == MessageRecord::Role::User ? ChatTurn::Role::User : ChatTurn::Role::Assistant,
                              m.content});
    }
    MessageRecord reply;
    reply.conversationId = conversationId_;
    reply.role = MessageRecord::Role::Assistant;
    reply.state = MessageRecord::State::Streaming;
    reply.id = store_.addMessage(conversationId_, reply.role, QString(), reply.state);
    if (reply.id == 0) {
        setError(QStringLiteral("Could not save the reply (is the disk full?)."));
        return false;
    }
    messages_.append(reply);
    conversations_.touched(conversationId_);

    request.id = worker_.issueRequestId();
    request.maxTokens = settings_.maxTokens();
    request.sampling = settings_.samplerParams();
    request.stopAtEndOfGeneration = stopAtEndOfGeneration_;
    activeRequest_ = request.id;
    activeMessageId_ = reply.id;
    activeConversationId_ = conversationId_;
    reply_ = Reply{reply.id, QString(), MessageRecord::State::Streaming, QString()};
    unsaved_ = false;
    saveTimer_.start();
    QMetaObject::invokeMethod(&worker_, "generate", Qt::QueuedConnection,
                              Q_ARG(chord::app::GenerationRequest, request));
    emit generatingChanged();
    emit replyStarted();
    return true;
}

void ChatController::stop() {
    if (generating()) worker_.requestStop();
}

bool ChatController::regenerate() {
    if (messages_.rowCount() == 0 || !canGenerate()) return false;
    const int last = messages_.rowCount() - 1;
    if (messages_.at(last).role == MessageRecord::Role::Assistant) {
        store_.deleteMessagesFrom(messages_.at(last).id);
        messages_.removeFromRow(last);
    }
    if (messages_.rowCount() == 0) return false;
    dismissError();
    return startReply();
}

bool ChatController::editAndResend(int row, const QString& text) {
    if (row < 0 || row >= messages_.rowCount() || messages_.at(row).role != MessageRecord::Role::User) return false;
    if (text.trimmed().isEmpty() || !canGenerate()) return false;
    store_.deleteMessagesFrom(messages_.at(row).id);
    messages_.removeFromRow(row);
    return send(text);
}

void ChatController::copyText(const QString& text) const {
    if (QClipboard* clipboard = QGuiApplication::clipboard()) clipboard->setText(text);
}

QString ChatController::suggestedExportName(const QString& extension) const {
    QString base = title();
    base.replace(QRegularExpression(QStringLiteral("[^\\w\\- ]+")), QString());
    base = base.simplified().replace(QLatin1Char(' '), QLatin1Char('-'));
    if (base.isEmpty()) base = QStringLiteral("chat");
    return base + QLatin1Char('.') + extension;
}

bool ChatController::exportConversation(const QString& pathOrUrl) {
    const QString path = ModelController::localPath(pathOrUrl);
    const ConversationRecord record = store_.conversation(conversationId_);
    if (record.id == 0) {
        setError(QStringLiteral("There is no chat to export yet."));
        return false;
    }
    const QList<MessageRecord> list = store_.messages(conversationId_);
    const bool json = QFileInfo(path).suffix().compare(QLatin1String("json"), Qt::CaseInsensitive) == 0;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        setError(QStringLiteral("Cannot write %1: %2").arg(path, file.errorString()));
        return false;
    }
    file.write(json ? ChatExporter::toJson(record, list, models_.summary().name)
                    : ChatExporter::toMarkdown(record, list).toUtf8());
    if (!file.commit()) {
        setError(QStringLiteral("Cannot write %1: %2").arg(path, file.errorString()));
        return false;
    }
    return true;
}

void ChatController::dismissError() {
    if (errorMessage_.isEmpty()) return;
    errorMessage_.clear();
    emit errorChanged();
}

void ChatController::setError(const QString& message) {
    spdlog::warn("chat: {}", message.toStdString());
    errorMessage_ = message;
    emit errorChanged();
}

void ChatController::onText(quint64 requestId, const QString& text) {
    if (requestId != activeRequest_) return;
    reply_.text += text;
    unsaved_ = true;
    messages_.appendText(activeMessageId_, text);
}

// The timer's tick: while a reply streams, and after it ended for as long as its last save failed.
void ChatController::saveStreaming() {
    if (saveReply()) {
        if (!generating()) saveTimer_.stop();
        return;
    }
    // Told once per failing spell, not every half second; the text stays marked unsaved for the next tick.
    if (!saveFailing_) setError(kReplyNotSaved);
    saveFailing_ = true;
}

// Writes reply_ when the store lags behind it. False when the write failed (the reply stays unsaved);
// a row deleted meanwhile (its chat deleted mid-reply) has nothing left to save.
bool ChatController::saveReply() {
    if (!unsaved_ || reply_.messageId == 0) return true;
    if (!store_.updateMessage(reply_.messageId, reply_.text, reply_.state, reply_.stats)) {
        if (!store_.messageGone(reply_.messageId)) return false;
        reply_.messageId = 0;
    }
    unsaved_ = false;
    if (saveFailing_) {
        // There is room again: the warning about this reply no longer holds.
        saveFailing_ = false;
        if (errorMessage_ == kReplyNotSaved) dismissError();
    }
    return true;
}

void ChatController::endReply(int state, const QString& stats) {
    const auto finalState = static_cast<MessageRecord::State>(state);
    reply_.state = finalState;
    reply_.stats = stats;
    unsaved_ = true;
    messages_.setState(activeMessageId_, finalState, stats);
    conversations_.touched(activeConversationId_);
    activeRequest_ = 0;
    activeMessageId_ = 0;
    // A failed final save is reported and left to the timer, which keeps running until it succeeds.
    saveStreaming();
    emit generatingChanged();
}

void ChatController::onFinished(const GenerationReport& report) {
    if (report.id != activeRequest_) return;
    // The streamed batches are the reply; the report's text is the same when nothing was lost.
    if (reply_.text.isEmpty() && !report.text.isEmpty()) {
        reply_.text = report.text;
        messages_.setContent(activeMessageId_, reply_.text);
    }
    endReply(static_cast<int>(report.cancelled ? MessageRecord::State::Stopped : MessageRecord::State::Complete),
             statsText(report));
    emit replyFinished(report);
}

void ChatController::onFailed(quint64 requestId, const QString& message) {
    if (requestId != activeRequest_) return;
    endReply(static_cast<int>(MessageRecord::State::Failed), QString());
    setError(message);
}

}  // namespace chord::app
