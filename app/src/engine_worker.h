#pragma once
// EngineWorker owns the engine objects (model, session, chat session) and lives on its own QThread. Requests arrive
// as queued slot calls; results leave as signals. Stop and the attention backend are set directly from
// the GUI thread through atomics, so they take effect within one token even while a reply is running.
// Text is batched: the first piece of a reply at once, then at most one textReady per kTextBatchMs,
// never one signal per token. Every request carries the whole conversation (the app's store is the
// record); the engine's ChatSession keeps the KV cache of what is unchanged since the last request.
#include <QObject>
#include <atomic>
#include <memory>

#include "chord/tokenizer.h"
#include "engine_messages.h"

namespace chord {
class ChatSession;
class Model;
class Session;
}  // namespace chord

namespace chord::app {

class EngineWorker : public QObject {
    Q_OBJECT
public:
    static constexpr int kTextBatchMs = 25;

    explicit EngineWorker(QObject* parent = nullptr);
    ~EngineWorker() override;

    // Thread-safe. Every request carries an id from here; requestStop() cancels all ids issued so far
    // (the running one within one token or one batch of prompt, queued ones before they start).
    quint64 issueRequestId();
    void requestStop();
    // Thread-safe: the backend used from the next decoded token on, without reloading the model.
    void requestAttention(bool flash);

public slots:
    void loadModel(quint64 requestId, const chord::app::EngineConfig& config);
    void generate(const chord::app::GenerationRequest& request);
    void unloadModel();

signals:
    void loadProgress(quint64 requestId, double fraction);
    void modelLoaded(quint64 requestId, const chord::app::ModelSummary& summary);
    void loadFailed(quint64 requestId, const QString& path, const QString& message, bool cancelled);
    void generationStarted(quint64 requestId);
    void textReady(quint64 requestId, const QString& text);
    void generationFinished(const chord::app::GenerationReport& report);
    void generationFailed(quint64 requestId, const QString& message);
    void memoryChanged(const chord::app::MemorySnapshot& memory);
    void modelUnloaded();

private:
    bool stopRequestedFor(quint64 requestId);
    void applyPendingAttention();
    void publishMemory();

    std::atomic<quint64> lastIssuedId_{0};
    std::atomic<quint64> stoppedUpToId_{0};
    std::atomic<bool> cancel_{false};
    std::atomic<int> pendingAttention_{-1};  // -1 none, 0 standard, 1 flash

    std::shared_ptr<chord::Model> model_;
    std::unique_ptr<chord::Session> session_;
    std::unique_ptr<chord::ChatSession> chat_;  // on session_: the conversation's KV cache across requests
};

}  // namespace chord::app
