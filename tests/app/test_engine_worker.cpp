// EngineWorker on its own thread against the real engine and stories260K: load, streamed generation
// (checked against llama.cpp's greedy continuation), stop mid-reply, attention switched mid-conversation,
// bad and missing files, cancel before start, prompts longer than the context. And a model with a chat
// template (a ChatML copy of TinyLlama-v0): chat mode, KV reuse across requests, regenerate and edit,
// each reply equal to the engine's own ChatSession given the same conversation.
#include <QFile>
#include <QGuiApplication>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include "app_test_environment.h"
#include "chat_model_copy.h"
#include "chord/chat.h"
#include "chord/model.h"
#include "engine_worker.h"

using namespace chord::app;

namespace {

// Lives on the test's thread: the worker's signals reach it queued, so QSignalSpy only ever sees them on
// this thread.
class Relay : public QObject {
    Q_OBJECT
public:
    explicit Relay(EngineWorker& worker) {
        connect(&worker, &EngineWorker::loadProgress, this, &Relay::loadProgress);
        connect(&worker, &EngineWorker::modelLoaded, this, &Relay::modelLoaded);
        connect(&worker, &EngineWorker::loadFailed, this, &Relay::loadFailed);
        connect(&worker, &EngineWorker::textReady, this, &Relay::textReady);
        connect(&worker, &EngineWorker::generationFinished, this, &Relay::generationFinished);
        connect(&worker, &EngineWorker::generationFailed, this, &Relay::generationFailed);
        connect(&worker, &EngineWorker::memoryChanged, this, &Relay::memoryChanged);
    }
signals:
    void loadProgress(quint64 id, double fraction);
    void modelLoaded(quint64 id, const chord::app::ModelSummary& summary);
    void loadFailed(quint64 id, const QString& path, const QString& message, bool cancelled);
    void textReady(quint64 id, const QString& text);
    void generationFinished(const chord::app::GenerationReport& report);
    void generationFailed(quint64 id, const QString& message);
    void memoryChanged(const chord::app::MemorySnapshot& memory);
};

GenerationRequest greedy(EngineWorker& worker, const QString& text, int maxTokens) {
    GenerationRequest r;
    r.id = worker.issueRequestId();
    r.turns = {{ChatTurn::Role::User, text}};
    r.maxTokens = maxTokens;
    r.sampling.temperature = 0.0f;
    r.sampling.repeat_penalty = 1.0f;  // llama.cpp's reference continuation is plain greedy
    return r;
}

// llama.cpp's greedy continuation of "Once upon a time" with stories260K (shared/models/reference/
// stories260K.once.json), up to the first sentence end.
const QString kReferenceStart = QStringLiteral(", there was a little girl named Lily. She loved to play outside in the park.");

}  // namespace

class TestEngineWorker : public QObject {
    Q_OBJECT
private slots:
    void init() {
        worker_ = new EngineWorker;
        worker_->moveToThread(&thread_);
        connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
        relay_ = std::make_unique<Relay>(*worker_);
        thread_.start();
    }
    void cleanup() {
        worker_->requestStop();
        thread_.quit();
        QVERIFY(thread_.wait(60000));
        relay_.reset();
    }

    void loadsTheModel() {
        QSignalSpy loaded(relay_.get(), &Relay::modelLoaded);
        QSignalSpy progress(relay_.get(), &Relay::loadProgress);
        QSignalSpy memory(relay_.get(), &Relay::memoryChanged);
        load(chord_app_test::stories260K());
        QCOMPARE(loaded.count(), 1);
        const auto summary = loaded[0][1].value<ModelSummary>();
        // Facts from shared/models/SOURCES.md.
        QCOMPARE(summary.architecture, QStringLiteral("llama"));
        QCOMPARE(summary.trainedContext, 2048);
        QCOMPARE(summary.fileBytes, quint64{1185376});
        QCOMPARE(summary.fileType, QStringLiteral("F32"));
        QVERIFY(!summary.hasChatTemplate);
        QVERIFY(summary.promptMode.contains(QStringLiteral("Plain completion mode")));
        QVERIFY(summary.contextSize > 0);
        QVERIFY(progress.count() >= 1);
        QCOMPARE(progress.last()[1].toDouble(), 1.0);
        QTRY_VERIFY(memory.count() >= 1);
        const auto m = memory.last()[0].value<MemorySnapshot>();
        QVERIFY(m.kvCache > 0);
        QVERIFY(m.modelMapped > 0);
        QVERIFY(m.flashAttention);
        QVERIFY(!m.simdBackend.isEmpty());
    }

    void streamsGreedyTextLikeLlamaCpp() {
        load(chord_app_test::stories260K());
        QSignalSpy text(relay_.get(), &Relay::textReady);
        const GenerationReport report = generate(greedy(*worker_, QStringLiteral("Once upon a time"), 40));
        QString streamed;
        for (const auto& args : text) streamed += args[1].toString();
        QCOMPARE(streamed, report.text);
        QVERIFY2(report.text.startsWith(kReferenceStart), qPrintable(report.text));
        QCOMPARE(report.generatedTokens, 40);
        QCOMPARE(report.promptTokens, 5);  // [BOS, Once, upon, a, time] as llama.cpp tokenizes it
        QVERIFY(report.generationTokensPerSecond > 0);
        QVERIFY(report.timeToFirstToken > 0);
        QVERIFY(!report.cancelled);
        // Batched: never one signal per token.
        QVERIFY2(text.count() < report.generatedTokens, qPrintable(QString::number(text.count())));
    }

    void reusesTheSharedPrefix() {
        load(chord_app_test::stories260K());
        const GenerationReport first = generate(greedy(*worker_, QStringLiteral("Once upon a time"), 16));
        // The continuation is the conversation so far plus one more message: only the new text is processed.
        GenerationRequest next = greedy(*worker_, QString(), 8);
        next.turns = {{ChatTurn::Role::User, QStringLiteral("Once upon a time")},
                      {ChatTurn::Role::Assistant, first.text},
                      {ChatTurn::Role::User, QStringLiteral("Then")}};
        const GenerationReport second = generate(next);
        QVERIFY2(second.promptTokens < 5 + 16, qPrintable(QString::number(second.promptTokens)));
        QVERIFY(second.generatedTokens > 0);
    }

    void stopsMidReply() {
        load(chord_app_test::stories260K());
        // Stop as soon as the first text arrives, the way the GUI thread's Esc does (an atomic store).
        connect(worker_, &EngineWorker::textReady, worker_, [this] { worker_->requestStop(); }, Qt::DirectConnection);
        const GenerationReport report = generate(greedy(*worker_, QStringLiteral("Once upon a time"), 1000));
        QVERIFY(report.cancelled);
        QCOMPARE(report.stopReason, QStringLiteral("cancelled"));
        QVERIFY2(report.generatedTokens <= 2, qPrintable(QString::number(report.generatedTokens)));
        disconnect(worker_, &EngineWorker::textReady, worker_, nullptr);
        // The worker is usable afterwards.
        const GenerationReport after = generate(greedy(*worker_, QStringLiteral("Once upon a time"), 10));
        QVERIFY(!after.cancelled);
        QCOMPARE(after.generatedTokens, 10);
    }

    void stopBeforeStartCancelsQueuedRequest() {
        load(chord_app_test::stories260K());
        const GenerationRequest request = greedy(*worker_, QStringLiteral("Once upon a time"), 50);
        worker_->requestStop();
        const GenerationReport report = generate(request);
        QVERIFY(report.cancelled);
        QCOMPARE(report.generatedTokens, 0);
    }

    void switchesAttentionMidConversation() {
        load(chord_app_test::stories260K());
        QSignalSpy memory(relay_.get(), &Relay::memoryChanged);
        const GenerationReport flash = generate(greedy(*worker_, QStringLiteral("Once upon a time"), 30));
        QTRY_VERIFY(memory.count() >= 1);
        QVERIFY(memory.last()[0].value<MemorySnapshot>().flashAttention);

        worker_->requestAttention(false);  // from the GUI thread, no reload
        const GenerationReport standard = generate(greedy(*worker_, QStringLiteral("Once upon a time"), 30));
        QTRY_VERIFY(!memory.last()[0].value<MemorySnapshot>().flashAttention);
        // Both backends compute the same attention (to 1e-5): greedy text is the same.
        QCOMPARE(standard.text, flash.text);

        // Switching while a reply streams applies from the next token on.
        connect(worker_, &EngineWorker::textReady, worker_, [this] { worker_->requestAttention(true); },
                Qt::DirectConnection);
        const GenerationReport mixed = generate(greedy(*worker_, QStringLiteral("Once upon a time"), 30));
        QCOMPARE(mixed.generatedTokens, 30);
        QTRY_VERIFY(memory.last()[0].value<MemorySnapshot>().flashAttention);
        QCOMPARE(mixed.text, flash.text);
    }

    void badFileFailsInPlainWordsAndKeepsTheModel() {
        load(chord_app_test::stories260K());
        QTemporaryDir dir;
        const QString bad = dir.filePath(QStringLiteral("notes.gguf"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not a model at all, just some text\n");
        f.close();
        QSignalSpy failed(relay_.get(), &Relay::loadFailed);
        const quint64 id = worker_->issueRequestId();
        EngineConfig config;
        config.modelPath = bad;
        QMetaObject::invokeMethod(worker_, "loadModel", Qt::QueuedConnection, Q_ARG(quint64, id),
                                  Q_ARG(chord::app::EngineConfig, config));
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 30000);
        QCOMPARE(failed[0][0].toULongLong(), id);
        QCOMPARE(failed[0][1].toString(), bad);
        QVERIFY2(failed[0][2].toString().startsWith(QStringLiteral("This file is not a usable GGUF model")),
                 qPrintable(failed[0][2].toString()));
        QVERIFY(!failed[0][3].toBool());
        // The model loaded before is still there.
        QCOMPARE(generate(greedy(*worker_, QStringLiteral("Once upon a time"), 5)).generatedTokens, 5);
    }

    void missingFileFails() {
        QSignalSpy failed(relay_.get(), &Relay::loadFailed);
        EngineConfig config;
        config.modelPath = QStringLiteral("/nonexistent/model.gguf");
        QMetaObject::invokeMethod(worker_, "loadModel", Qt::QueuedConnection,
                                  Q_ARG(quint64, worker_->issueRequestId()), Q_ARG(chord::app::EngineConfig, config));
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 30000);
        QVERIFY2(failed[0][2].toString().contains(QStringLiteral("not found")), qPrintable(failed[0][2].toString()));
    }

    void cancelledLoad() {
        QSignalSpy failed(relay_.get(), &Relay::loadFailed);
        EngineConfig config;
        config.modelPath = chord_app_test::stories260K();
        const quint64 id = worker_->issueRequestId();
        worker_->requestStop();
        QMetaObject::invokeMethod(worker_, "loadModel", Qt::QueuedConnection, Q_ARG(quint64, id),
                                  Q_ARG(chord::app::EngineConfig, config));
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 30000);
        QVERIFY(failed[0][3].toBool());
    }

    void generateWithoutModelFails() {
        QSignalSpy failed(relay_.get(), &Relay::generationFailed);
        QMetaObject::invokeMethod(worker_, "generate", Qt::QueuedConnection,
                                  Q_ARG(chord::app::GenerationRequest, greedy(*worker_, QStringLiteral("hi"), 4)));
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 30000);
        QVERIFY(failed[0][1].toString().contains(QStringLiteral("No model is loaded")));
    }

    void promptLongerThanTheContextFailsInPlainWords() {
        load(chord_app_test::stories260K(), 128);
        QString longText;
        for (int i = 0; i < 100; ++i) longText += QStringLiteral("The cat sat on the mat. ");
        QSignalSpy failed(relay_.get(), &Relay::generationFailed);
        const GenerationRequest request = greedy(*worker_, longText, 16);
        QMetaObject::invokeMethod(worker_, "generate", Qt::QueuedConnection, Q_ARG(chord::app::GenerationRequest, request));
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 120000);
        QCOMPARE(failed[0][0].toULongLong(), request.id);
        QVERIFY2(failed[0][1].toString().contains(QStringLiteral("no longer fits in the context")),
                 qPrintable(failed[0][1].toString()));
        // The worker goes on.
        QCOMPARE(generate(greedy(*worker_, QStringLiteral("Once upon a time"), 5)).generatedTokens, 5);
    }

    void olderTurnsLeaveAFullContext() {
        // A conversation longer than the context, in turns that each fit: the oldest are dropped.
        load(chord_app_test::stories260K(), 128);
        GenerationRequest request = greedy(*worker_, QString(), 8);
        request.turns.clear();
        for (int i = 0; i < 12; ++i) {
            request.turns.append({ChatTurn::Role::User, QStringLiteral("The cat sat on the mat and looked at the dog.")});
            request.turns.append({ChatTurn::Role::Assistant, QStringLiteral(" The dog was happy.")});
        }
        request.turns.append({ChatTurn::Role::User, QStringLiteral("Then")});
        const GenerationReport report = generate(request);
        QCOMPARE(report.generatedTokens, 8);
        QVERIFY(report.reusedTokens + report.promptTokens <= 128 - 8);
    }

    void chatTemplateModelChatsWithRolesAndReusesTheCache() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("tinyllama-chatml.gguf"));
        chord_test::write_chat_model_copy(CHORD_SHARED_DIR "/models/derived/TinyLLama-v0-Q4_0.gguf", path.toStdString(),
                                          chord_test::kChatmlTemplate, {{31998, "<|im_start|>"}, {31999, "<|im_end|>"}});
        const ModelSummary summary = load(path, 512);
        QVERIFY(summary.hasChatTemplate);
        QCOMPARE(summary.chatFormat, QStringLiteral("jinja"));
        QVERIFY2(summary.promptMode.startsWith(QStringLiteral("Chat mode")), qPrintable(summary.promptMode));

        // The engine's ChatSession on its own, fed the same conversation, is the reference.
        const auto model = chord::Model::load(path.toStdString());
        chord::SessionOptions options;
        options.n_ctx = 512;
        options.n_threads = 2;
        chord::Session session(model, options);
        chord::ChatSession reference(session, chord::ChatTemplate::for_model(*model));

        const QString first = QStringLiteral("Once upon a time there was a dog.");
        GenerationRequest request = greedy(*worker_, first, 12);
        chord::GenerationParams params;
        params.max_tokens = request.maxTokens;
        params.sampling = request.sampling;
        const GenerationReport turn1 = generate(request);
        QCOMPARE(turn1.reusedTokens, 0);
        QCOMPARE(turn1.text.toStdString(), reference.send(first.toStdString(), params).text);

        // Turn 2: only the new text is processed.
        request.id = worker_->issueRequestId();
        request.turns = {{ChatTurn::Role::User, first},
                         {ChatTurn::Role::Assistant, turn1.text},
                         {ChatTurn::Role::User, QStringLiteral("What did the dog find?")}};
        const GenerationReport turn2 = generate(request);
        const chord::ChatReply ref2 = reference.send("What did the dog find?", params);
        QCOMPARE(turn2.text.toStdString(), ref2.text);
        QCOMPARE(turn2.reusedTokens, ref2.turn.reused_tokens);
        QCOMPARE(turn2.promptTokens, ref2.stats.prompt_tokens);
        // All of turn 1 stays: its prompt and its reply (but the last sampled token, never fed back).
        QCOMPARE(turn2.reusedTokens, turn1.promptTokens + turn1.generatedTokens - 1);

        // Regenerate: the same conversation again reprocesses only the opening of the reply.
        request.id = worker_->issueRequestId();
        const GenerationReport again = generate(request);
        QCOMPARE(again.text, turn2.text);
        QVERIFY(again.reusedTokens >= turn2.reusedTokens);
        QVERIFY2(again.promptTokens < turn2.promptTokens, qPrintable(QString::number(again.promptTokens)));

        // Edit the first message: the cache is cut before it; the reply is a fresh conversation's.
        request.id = worker_->issueRequestId();
        const QString edited = QStringLiteral("Once upon a time there was a cat.");
        request.turns = {{ChatTurn::Role::User, edited}};
        const GenerationReport afterEdit = generate(request);
        QVERIFY2(afterEdit.reusedTokens < 12, qPrintable(QString::number(afterEdit.reusedTokens)));
        chord::Session freshSession(model, options);
        chord::ChatSession fresh(freshSession, chord::ChatTemplate::for_model(*model));
        QCOMPARE(afterEdit.text.toStdString(), fresh.send(edited.toStdString(), params).text);
    }

private:
    ModelSummary load(const QString& path, int contextSize = 0) {
        QSignalSpy loaded(relay_.get(), &Relay::modelLoaded);
        QSignalSpy failed(relay_.get(), &Relay::loadFailed);
        EngineConfig config;
        config.modelPath = path;
        config.contextSize = contextSize;
        config.threads = 2;
        QMetaObject::invokeMethod(worker_, "loadModel", Qt::QueuedConnection,
                                  Q_ARG(quint64, worker_->issueRequestId()), Q_ARG(chord::app::EngineConfig, config));
        [&] { QTRY_VERIFY_WITH_TIMEOUT(loaded.count() + failed.count() > 0, 60000); }();
        if (failed.count() > 0) {
            qWarning() << "load failed:" << failed[0][2].toString();
            return {};
        }
        return loaded.isEmpty() ? ModelSummary{} : loaded[0][1].value<ModelSummary>();
    }

    GenerationReport generate(const GenerationRequest& request) {
        QSignalSpy finished(relay_.get(), &Relay::generationFinished);
        QSignalSpy failed(relay_.get(), &Relay::generationFailed);
        QMetaObject::invokeMethod(worker_, "generate", Qt::QueuedConnection,
                                  Q_ARG(chord::app::GenerationRequest, request));
        [&] { QTRY_VERIFY_WITH_TIMEOUT(finished.count() + failed.count() > 0, 120000); }();
        if (failed.count() > 0) {
            qWarning() << "generation failed:" << failed[0][1].toString();
            return {};
        }
        const auto report = finished.isEmpty() ? GenerationReport{} : finished[0][0].value<GenerationReport>();
        return report;
    }

    QThread thread_;
    EngineWorker* worker_ = nullptr;
    std::unique_ptr<Relay> relay_;
};

CHORD_APP_TEST_MAIN(TestEngineWorker)
#include "test_engine_worker.moc"
