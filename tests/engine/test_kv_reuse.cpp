// Multi-turn KV reuse (TinyLlama-v0, chatml wrapping, greedy): the second turn processes only the text
// that is new since the first (counted by tokenizing that text independently), and its greedy reply
// equals the reply of a fresh session that processes the whole token sequence at once. Editing and
// regenerating cut the cache where the text changes and give the same replies as a fresh conversation.
#include <memory>
#include <string>
#include <vector>

#include "chord/chat.h"
#include "chord/generator.h"
#include "chord/model.h"
#include "chord_test.h"

namespace {

using namespace chord;

const std::string kModel = std::string(CHORD_SHARED_DIR) + "/models/derived/TinyLLama-v0-Q4_0.gguf";

std::shared_ptr<Model> model() {
    static std::shared_ptr<Model> m = Model::load(kModel);
    return m;
}

SessionOptions session_options() {
    SessionOptions o;
    o.n_ctx = 1024;
    o.n_threads = 2;
    o.n_batch = 64;
    o.kv_type = KvType::F32;
    return o;
}

GenerationParams greedy(int n) {
    GenerationParams p;
    p.max_tokens = n;
    p.sampling.temperature = 0.0f;
    return p;
}

ChatTemplate chatml() {
    const Vocab& v = model()->tokenizer().vocab();
    return ChatTemplate::builtin(ChatFormat::ChatML, v.tokens[static_cast<size_t>(v.bos)], v.tokens[static_cast<size_t>(v.eos)]);
}

// Greedy continuation of `tokens` by a fresh session that processes them in one call.
std::vector<TokenId> from_scratch(const std::vector<TokenId>& tokens, int n) {
    Session s(model(), session_options());
    return Generator(s).generate(tokens, greedy(n)).tokens;
}

}  // namespace

class TestKvReuse : public QObject {
    Q_OBJECT
private slots:
    void secondTurnProcessesOnlyNewTokens();
    void editAndRegenerateMatchAFreshConversation();
};

void TestKvReuse::secondTurnProcessesOnlyNewTokens() {
    Session session(model(), session_options());
    ChatSession chat(session, chatml());
    chat.set_system_prompt("You tell short stories.");
    const ChatReply r1 = chat.send("Once upon a time there was a little dog.", greedy(24));
    QVERIFY(!r1.tokens.empty());
    QCOMPARE(r1.turn.reused_tokens, 0);
    const std::vector<TokenId> after_turn1 = chat.cached_tokens();
    // Everything turn 1 processed stays: its prompt and the generated ids (all but the last sampled one,
    // which was never fed back).
    QCOMPARE(static_cast<int>(after_turn1.size()), r1.stats.prompt_tokens + static_cast<int>(r1.tokens.size()) - 1);
    for (size_t i = 0; i + 1 < r1.tokens.size(); ++i)
        QCOMPARE(after_turn1[static_cast<size_t>(r1.stats.prompt_tokens) + i], r1.tokens[i]);

    const ChatReply r2 = chat.send("What did the dog find?", greedy(24));
    QCOMPARE(r2.turn.reused_tokens, static_cast<int>(after_turn1.size()));
    // The new text: the rendered conversation minus the text the cache stands for.
    const Tokenizer& tok = model()->tokenizer();
    std::vector<ChatMessage> turn1{{"system", chat.system_prompt()}, chat.messages()[0]};
    std::string cached_text = chat.chat_template().render(turn1, true);
    for (size_t i = 0; i + 1 < r1.tokens.size(); ++i) cached_text += tok.piece(r1.tokens[i], false);
    std::vector<ChatMessage> turn2{{"system", chat.system_prompt()}};
    for (size_t i = 0; i < 3; ++i) turn2.push_back(chat.messages()[i]);
    const std::string prompt2 = chat.chat_template().render(turn2, true);
    QVERIFY(prompt2.compare(0, cached_text.size(), cached_text) == 0);
    // The cache ends inside the reply (after a generated token), so the new text continues a word:
    // SentencePiece without the leading-space prefix.
    Vocab continuing = tok.vocab();
    continuing.add_space_prefix = false;
    const auto counter = Tokenizer::create(std::move(continuing));
    const auto new_tokens = counter->encode(prompt2.substr(cached_text.size()), false, true);
    QCOMPARE(r2.stats.prompt_tokens, static_cast<int>(new_tokens.size()));
    const int whole = static_cast<int>(tok.encode(prompt2, true, true).size());
    QVERIFY2(r2.stats.prompt_tokens * 2 < whole,
             (std::to_string(r2.stats.prompt_tokens) + " new of " + std::to_string(whole)).c_str());
    QCOMPARE(session.n_past(), static_cast<int>(chat.cached_tokens().size()));

    // The whole sequence from scratch gives the same greedy reply.
    const std::vector<TokenId> prompt_tokens(chat.cached_tokens().begin(),
                                             chat.cached_tokens().begin() + r2.turn.reused_tokens + r2.stats.prompt_tokens);
    QCOMPARE(from_scratch(prompt_tokens, static_cast<int>(r2.tokens.size())), r2.tokens);
}

void TestKvReuse::editAndRegenerateMatchAFreshConversation() {
    Session session(model(), session_options());
    ChatSession chat(session, chatml());
    chat.send("Tom had a red ball.", greedy(16));
    chat.send("Where did the ball go?", greedy(16));
    const int cached_before = static_cast<int>(chat.cached_tokens().size());

    // Regenerating the last reply reprocesses only the opening of the assistant turn.
    const std::vector<TokenId> last_reply_cache = chat.cached_tokens();
    const ChatReply again = chat.regenerate(greedy(16));
    Vocab continuing = model()->tokenizer().vocab();
    continuing.add_space_prefix = false;
    const auto opening = Tokenizer::create(std::move(continuing))->encode("<|im_start|>assistant\n", false, false);
    QCOMPARE(again.stats.prompt_tokens, static_cast<int>(opening.size()));
    QVERIFY(again.turn.reused_tokens + again.stats.prompt_tokens < cached_before);
    QCOMPARE(std::vector<TokenId>(chat.cached_tokens().begin(), chat.cached_tokens().begin() + again.turn.reused_tokens),
             std::vector<TokenId>(last_reply_cache.begin(), last_reply_cache.begin() + again.turn.reused_tokens));

    // Editing the first message cuts the cache before it; the reply equals a fresh conversation's.
    chat.edit(0, "Tom had a blue kite.");
    QCOMPARE(chat.messages().size(), size_t{1});
    const ChatReply edited = chat.reply(greedy(16));
    QVERIFY(edited.turn.reused_tokens < 10);

    Session fresh_session(model(), session_options());
    ChatSession fresh(fresh_session, chatml());
    const ChatReply fresh_reply = fresh.send("Tom had a blue kite.", greedy(16));
    QCOMPARE(edited.tokens, fresh_reply.tokens);
    QCOMPARE(edited.text, fresh_reply.text);
    QCOMPARE(chat.cached_tokens(), fresh.cached_tokens());
}

CHORD_TEST_MAIN(TestKvReuse, secondTurnProcessesOnlyNewTokens, editAndRegenerateMatchAFreshConversation)
#ifndef CHORD_TEST_NO_QT
#include "test_kv_reuse.moc"
#endif
