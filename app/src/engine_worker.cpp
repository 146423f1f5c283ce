#include "engine_worker.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <spdlog/spdlog.h>

#include "chord/chat.h"
#include "chord/error.h"
#include "chord/generator.h"
#include "chord/model.h"
#include "chord/session.h"
#include "prompt_builder.h"

namespace chord::app {

namespace {

ModelSummary summarize(const chord::Model& model, const chord::Session& session, const chord::ChatTemplate& chat,
                       const QString& path) {
    const chord::ModelInfo& info = model.info();
    ModelSummary s;
    s.path = path;
    s.name = QString::fromStdString(info.name);
    s.architecture = QString::fromStdString(info.architecture);
    s.fileType = QString::fromStdString(info.file_type);
    s.parameters = info.n_params;
    s.fileBytes = info.file_bytes;
    s.trainedContext = info.context_length;
    s.contextSize = session.n_ctx();
    s.threads = session.n_threads();
    s.hasChatTemplate = !chat.is_plain();
    s.chatFormat = s.hasChatTemplate ? QString::fromLatin1(chord::chat_format_name(chat.format())) : QString();
    s.promptMode = PromptBuilder::modeDescription(chat.is_plain(), s.chatFormat);
    return s;
}

}  // namespace

EngineWorker::EngineWorker(QObject* parent) : QObject(parent) {
    qRegisterMetaType<EngineConfig>();
    qRegisterMetaType<GenerationRequest>();
    qRegisterMetaType<GenerationReport>();
    qRegisterMetaType<MemorySnapshot>();
    qRegisterMetaType<ModelSummary>();
}

EngineWorker::~EngineWorker() = default;

quint64 EngineWorker::issueRequestId() { return ++lastIssuedId_; }

void EngineWorker::requestStop() {
    // Order matters: the worker clears cancel_ and then checks stoppedUpToId_, so one of the two stores
    // is always seen by a request that is starting at the same moment.
    stoppedUpToId_.store(lastIssuedId_.load());
    cancel_.store(true);
}

void EngineWorker::requestAttention(bool flash) { pendingAttention_.store(flash ? 1 : 0); }

bool EngineWorker::stopRequestedFor(quint64 requestId) {
    cancel_.store(false);
    return stoppedUpToId_.load() >= requestId;
}

void EngineWorker::applyPendingAttention() {
    const int pending = pendingAttention_.exchange(-1);
    if (pending < 0 || !session_) return;
    const auto backend = pending == 1 ? chord::AttentionBackend::Flash : chord::AttentionBackend::Standard;
    if (session_->attention() == backend) return;
    session_->set_attention(backend);
    spdlog::info("attention backend switched to {}", chord::attention_backend_name(backend));
    publishMemory();
}

void EngineWorker::publishMemory() {
    if (!session_) return;
    const chord::MemoryReport m = session_->memory();
    MemorySnapshot snapshot;
    snapshot.modelMapped = m.model_mapped_bytes;
    snapshot.weights = m.weight_bytes;
    snapshot.kvCache = m.kv_cache_bytes;
    snapshot.scratch = m.scratch_bytes;
    snapshot.attentionScratch = m.attention_scratch_bytes;
    snapshot.flashAttention = session_->attention() == chord::AttentionBackend::Flash;
    snapshot.simdBackend = QString::fromStdString(chord::cpu_backend_name());
    emit memoryChanged(snapshot);
}

void EngineWorker::loadModel(quint64 requestId, const EngineConfig& config) {
    if (stopRequestedFor(requestId)) {
        emit loadFailed(requestId, config.modelPath, QStringLiteral("Loading was cancelled."), true);
        return;
    }
    spdlog::info("loading model {}", config.modelPath.toStdString());
    try {
        // The kernel level is chosen between loads, never while the old session computes (it does not
        // now: this thread is the only one that runs it).
        chord::select_simd_level(config.simdLevel.toStdString());
        chord::LoadOptions options;
        int lastPercent = -1;
        options.progress = [&](float fraction) {
            const int percent = static_cast<int>(fraction * 100.0f);
            if (percent != lastPercent) {
                lastPercent = percent;
                emit loadProgress(requestId, static_cast<double>(fraction));
            }
            return !cancel_.load();
        };
        auto model = chord::Model::load(config.modelPath.toStdString(), options);
        if (cancel_.load()) throw chord::Error(chord::ErrorKind::Cancelled, "cancelled");

        chord::SessionOptions sessionOptions;
        sessionOptions.n_ctx = config.contextSize;
        sessionOptions.n_threads = config.threads;
        sessionOptions.attention =
            config.flashAttention ? chord::AttentionBackend::Flash : chord::AttentionBackend::Standard;
        auto session = std::make_unique<chord::Session>(model, sessionOptions);

        auto chat = std::make_unique<chord::ChatSession>(*session, chord::ChatTemplate::for_model(*model));

        // Only a fully loaded model replaces the current one: a failed load leaves the app as it was.
        chat_.reset();
        session_.reset();
        model_ = std::move(model);
        session_ = std::move(session);
        chat_ = std::move(chat);
        pendingAttention_.store(-1);
        emit loadProgress(requestId, 1.0);
        emit modelLoaded(requestId, summarize(*model_, *session_, chat_->chat_template(), config.modelPath));
        publishMemory();
        spdlog::info("model loaded: {} ({} context, {} threads)", model_->info().name, session_->n_ctx(),
                     session_->n_threads());
    } catch (const chord::Error& e) {
        const bool cancelled = e.kind() == chord::ErrorKind::Cancelled;
        spdlog::warn("model load failed: {}", e.what());
        emit loadFailed(requestId, config.modelPath,
                        cancelled ? QStringLiteral("Loading was cancelled.") : describeEngineError(e), cancelled);
    } catch (const std::bad_alloc&) {
        emit loadFailed(requestId, config.modelPath,
                        QStringLiteral("Not enough memory to load %1.").arg(QFileInfo(config.modelPath).fileName()),
                        false);
    } catch (const std::exception& e) {
        spdlog::error("model load failed: {}", e.what());
        emit loadFailed(requestId, config.modelPath, describeEngineError(e), false);
    }
}

void EngineWorker::unloadModel() {
    chat_.reset();
    session_.reset();
    model_.reset();
    emit modelUnloaded();
}

void EngineWorker::generate(const GenerationRequest& request) {
    if (stopRequestedFor(request.id)) {
        GenerationReport report;
        report.id = request.id;
        report.cancelled = true;
        report.stopReason = QStringLiteral("cancelled");
        emit generationFinished(report);
        return;
    }
    if (!session_) {
        emit generationFailed(request.id, QStringLiteral("No model is loaded. Open a model first."));
        return;
    }
    emit generationStarted(request.id);
    applyPendingAttention();

    try {
        const ChatPrompt prompt = PromptBuilder(chat_->chat_template().is_plain()).build(request.systemPrompt, request.turns);
        if (prompt.messages.empty()) {
            emit generationFailed(request.id, QStringLiteral("There is nothing to continue: write a message first."));
            return;
        }
        chat_->set_system_prompt(prompt.systemPrompt);
        chat_->set_messages(prompt.messages);

        chord::GenerationParams params;
        params.max_tokens = request.maxTokens;
        params.sampling = request.sampling;
        params.stop_at_eog = request.stopAtEndOfGeneration;

        QByteArray pending;
        QElapsedTimer sinceFlush;
        sinceFlush.start();
        const auto flush = [&] {
            if (pending.isEmpty()) return;
            emit textReady(request.id, QString::fromUtf8(pending));
            pending.clear();
            sinceFlush.restart();
        };
        bool firstText = true;
        const auto onText = [&](std::string_view text, chord::TokenId) {
            pending.append(text.data(), static_cast<qsizetype>(text.size()));
            // The first text goes out at once (time to first token is what users feel), then batches.
            if (firstText || sinceFlush.elapsed() >= kTextBatchMs) flush();
            firstText = false;
            applyPendingAttention();
            return !cancel_.load();
        };

        // Only the text that changed since the last request is processed; cancel_ also stops the
        // prompt between batches.
        const chord::ChatReply reply = chat_->reply(params, onText, &cancel_);
        flush();

        GenerationReport report;
        report.id = request.id;
        report.text = QString::fromStdString(reply.text);
        report.promptTokens = reply.stats.prompt_tokens;
        report.reusedTokens = reply.turn.reused_tokens;
        report.generatedTokens = reply.stats.generated_tokens;
        report.promptTokensPerSecond = reply.stats.prompt_tokens_per_second();
        report.generationTokensPerSecond = reply.stats.generation_tokens_per_second();
        report.timeToFirstToken = reply.stats.time_to_first_token;
        report.stopReason = QString::fromLatin1(chord::stop_reason_name(reply.stats.stop_reason));
        report.cancelled = reply.stats.stop_reason == chord::StopReason::Cancelled;
        spdlog::info("generated {} tokens at {:.1f} tok/s (prompt {} new + {} reused at {:.1f} tok/s), stop: {}",
                     report.generatedTokens, report.generationTokensPerSecond, report.promptTokens,
                     report.reusedTokens, report.promptTokensPerSecond, report.stopReason.toStdString());
        emit generationFinished(report);
    } catch (const chord::Error& e) {
        // ChatSession leaves its cache consistent (a failed turn changes nothing it has recorded).
        spdlog::warn("generation failed: {}", e.what());
        emit generationFailed(request.id, describeEngineError(e));
    } catch (const std::exception& e) {
        spdlog::error("generation failed: {}", e.what());
        chat_->clear();
        emit generationFailed(request.id, describeEngineError(e));
    }
    publishMemory();
}

}  // namespace chord::app
