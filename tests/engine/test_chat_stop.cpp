// Stopping a chat turn: a stop string that the model produces across several tokens is never shown
// (the streamed text is the unstopped reply cut just before it), max_tokens, and cancellation from
// another thread while a long prompt is being processed (the turn returns before the prompt finishes,
// the conversation and cache are as before, and the session works afterwards).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "chord/chat.h"
#include "chord/model.h"
#include "chord_test.h"

namespace {

using namespace chord;

std::shared_ptr<Model> load(const char* relative) { return Model::load(std::string(CHORD_SHARED_DIR) + relative); }

GenerationParams greedy(int n) {
    GenerationParams p;
    p.max_tokens = n;
    p.sampling.temperature = 0.0f;
    return p;
}

SessionOptions options(int n_ctx, int n_batch) {
    SessionOptions o;
    o.n_ctx = n_ctx;
    o.n_threads = 2;
    o.n_batch = n_batch;
    return o;
}

}  // namespace

class TestChatStop : public QObject {
    Q_OBJECT
private slots:
    void stopStringAcrossTokensIsNeverShown();
    void cancelDuringALongPrompt();
};

void TestChatStop::stopStringAcrossTokensIsNeverShown() {
    const auto model = load("/models/stories260K.gguf");
    const Tokenizer& tok = model->tokenizer();
    Session s1(model, options(256, 64));
    ChatSession free_run(s1, ChatTemplate::for_model(*model));
    const ChatReply full = free_run.send("Once upon a time", greedy(48));
    QCOMPARE(full.stats.stop_reason, StopReason::MaxTokens);
    QCOMPARE(full.tokens.size(), size_t{48});

    // A stop string made of the end of token 10's text and the start of token 11's.
    std::string before;
    for (size_t i = 0; i < 10; ++i) before += tok.piece(full.tokens[i]);
    const std::string a = tok.piece(full.tokens[9]), b = tok.piece(full.tokens[10]);
    QVERIFY(a.size() >= 2 && !b.empty());
    const std::string stop = a.substr(a.size() - 2) + b.substr(0, std::min<size_t>(b.size(), 2));
    const size_t cut = full.text.find(stop);
    QVERIFY(cut != std::string::npos);

    Session s2(model, options(256, 64));
    ChatSession stopped(s2, ChatTemplate::for_model(*model));
    GenerationParams params = greedy(48);
    params.stop_strings = {stop};
    std::string streamed;
    const ChatReply r = stopped.send("Once upon a time", params, [&](std::string_view text, TokenId) {
        streamed += text;
        return true;
    });
    QCOMPARE(r.stats.stop_reason, StopReason::StopString);
    QCOMPARE(r.text, full.text.substr(0, cut));
    QCOMPARE(streamed, r.text);
    QVERIFY(r.tokens.size() < full.tokens.size());
    QCOMPARE(stopped.messages().back().content, r.text);
}

void TestChatStop::cancelDuringALongPrompt() {
    const auto model = load("/models/derived/TinyLLama-v0-Q4_0.gguf");
    Session session(model, options(2048, 32));
    ChatSession chat(session, ChatTemplate::for_model(*model));
    chat.send("Once upon a time", greedy(4));
    const std::vector<TokenId> cache_before = chat.cached_tokens();
    const size_t messages_before = chat.messages().size();

    std::string long_text;
    while (model->tokenizer().encode(long_text, false, false).size() < 1800)
        long_text += " The little girl walked to the big park with her mom and her dog.";
    std::atomic<bool> cancel{false};
    ChatReply r;
    std::chrono::steady_clock::time_point returned;
    std::thread worker([&] {
        r = chat.send(long_text, greedy(8), {}, &cancel);
        returned = std::chrono::steady_clock::now();
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const auto requested = std::chrono::steady_clock::now();
    cancel = true;
    worker.join();

    QCOMPARE(r.stats.stop_reason, StopReason::Cancelled);
    QCOMPARE(r.stats.prompt_tokens, 0);  // the prompt never completed
    QVERIFY(r.tokens.empty());
    QCOMPARE(chat.messages().size(), messages_before);
    QCOMPARE(chat.cached_tokens(), cache_before);
    QCOMPARE(session.n_past(), static_cast<int>(cache_before.size()));
    std::printf("cancelled %.1f ms after the request, during a %zu-character prompt\n",
                std::chrono::duration<double, std::milli>(returned - requested).count(), long_text.size());

    // The session goes on: the next turn reuses the cache.
    const ChatReply next = chat.send("The end.", greedy(4));
    QCOMPARE(next.turn.reused_tokens, static_cast<int>(cache_before.size()));
    QVERIFY(!next.tokens.empty());
}

CHORD_TEST_MAIN(TestChatStop, stopStringAcrossTokensIsNeverShown, cancelDuringALongPrompt)
#ifndef CHORD_TEST_NO_QT
#include "test_chat_stop.moc"
#endif
