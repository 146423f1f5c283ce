// Context shift (stories260K, F32 KV): after Session::shift the kept positions are untouched, V rows
// moved exactly, and every moved K equals K rotated to its new position — checked against a double-
// precision RoPE of the old K (all layers) and against K that a fresh session computes for the same
// tokens at the new positions (layer 0, whose K depends only on the token and its position); both
// max|Δ| / max|ref| <= 1e-5. On the arch-zoo gemma3 the same checks use each layer's own RoPE (local
// layers base 10000, the global one the file's base and scale). A conversation three times the context completes with shifts (and with
// truncation), and a message longer than the context is a clear error.
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "chord/chat.h"
#include "chord/error.h"
#include "chord/model.h"
#include "chord/session.h"
#include "chord_test.h"
#include "model/hparams.h"
#include "runtime/session_state.h"

namespace {

using namespace chord;

std::shared_ptr<Model> model() {
    static std::shared_ptr<Model> m = Model::load(std::string(CHORD_SHARED_DIR) + "/models/stories260K.gguf");
    return m;
}

// The arch-zoo gemma3 (6 layers; 0-4 local with RoPE base 10000 and scale 1, 5 global with the file's base
// 1e6 and linear scale 1/8; NEOX RoPE over head_dim 48: models/arch/README.md).
std::shared_ptr<Model> gemma3() {
    static std::shared_ptr<Model> m = Model::load(std::string(CHORD_SHARED_DIR) + "/models/arch/gemma3.gguf");
    return m;
}

SessionOptions options(int n_ctx) {
    SessionOptions o;
    o.n_ctx = n_ctx;
    o.n_threads = 2;
    o.n_batch = 16;
    o.kv_type = KvType::F32;
    return o;
}

// K of one position and layer, [n_head_kv][head_dim].
std::vector<float> k_row(Session& s, int layer, int pos) {
    const HyperParams& hp = s.model().hparams();
    std::vector<float> row(static_cast<size_t>(hp.n_head_kv) * static_cast<size_t>(hp.head_dim));
    s.state().kv.read_k(layer, pos, row.data());
    return row;
}

// RoPE by `delta` positions in double precision (the textbook rotation, not the engine's code).
std::vector<double> rotate(const std::vector<float>& k, int delta, const HyperParams& hp, double base, double scale) {
    std::vector<double> out(k.begin(), k.end());
    for (int h = 0; h < hp.n_head_kv; ++h) {
        double* v = out.data() + static_cast<size_t>(h) * static_cast<size_t>(hp.head_dim);
        for (int i = 0; i < hp.n_rot / 2; ++i) {
            const double theta = delta * scale * std::pow(base, -2.0 * i / hp.n_rot);
            const int a = hp.rope_style == RopeStyle::Normal ? 2 * i : i;
            const int b = hp.rope_style == RopeStyle::Normal ? 2 * i + 1 : i + hp.n_rot / 2;
            const double x0 = v[a], x1 = v[b];
            v[a] = x0 * std::cos(theta) - x1 * std::sin(theta);
            v[b] = x0 * std::sin(theta) + x1 * std::cos(theta);
        }
    }
    return out;
}

struct Ratio {
    double max_diff = 0, max_ref = 0;
    void add(double got, double ref) {
        max_diff = std::max(max_diff, std::abs(got - ref));
        max_ref = std::max(max_ref, std::abs(ref));
    }
    double value() const { return max_ref > 0 ? max_diff / max_ref : max_diff; }
};

GenerationParams sampled(int n, uint64_t seed) {
    GenerationParams p;
    p.max_tokens = n;
    p.sampling.temperature = 0.8f;
    p.sampling.seed = seed;
    return p;
}

}  // namespace

class TestContextShift : public QObject {
    Q_OBJECT
private slots:
    void shiftReRotatesK();
    void shiftUsesEachLayersRope();
    void conversationThreeTimesTheContext();
    void messageLongerThanTheContextIsAnError();
};

void TestContextShift::shiftReRotatesK() {
    const HyperParams& hp = model()->hparams();
    const std::vector<TokenId> tokens = model()->tokenizer().encode(
        "Once upon a time, there was a little girl named Lily. She loved to play outside in the sunshine. One day "
        "she saw a big red ball in the park and she ran to get it.", true, false);
    QVERIFY(tokens.size() >= 48);
    const int n = 48, keep = 4, discard = 20;
    Session s(model(), options(64));
    s.decode(std::span<const TokenId>(tokens.data(), n));
    std::vector<std::vector<std::vector<float>>> before(static_cast<size_t>(hp.n_layer));
    for (int l = 0; l < hp.n_layer; ++l)
        for (int p = 0; p < n; ++p) before[static_cast<size_t>(l)].push_back(k_row(s, l, p));
    const KvCache& kv = s.state().kv;
    const size_t head_dim = static_cast<size_t>(hp.head_dim);
    auto v_at = [&](int layer, int head, int pos) {
        return static_cast<const float*>(kv.v(layer)) + (static_cast<size_t>(head) * static_cast<size_t>(kv.n_ctx()) + static_cast<size_t>(pos)) * head_dim;
    };
    std::vector<float> v_before;
    for (int l = 0; l < hp.n_layer; ++l)
        for (int h = 0; h < hp.n_head_kv; ++h)
            for (int p = keep + discard; p < n; ++p) v_before.insert(v_before.end(), v_at(l, h, p), v_at(l, h, p) + head_dim);

    s.shift(keep, discard);
    QCOMPARE(s.n_past(), n - discard);

    Ratio all_layers;
    for (int l = 0; l < hp.n_layer; ++l) {
        for (int p = 0; p < keep; ++p) QVERIFY(k_row(s, l, p) == before[static_cast<size_t>(l)][static_cast<size_t>(p)]);
        for (int p = keep; p < n - discard; ++p) {
            const std::vector<double> ref = rotate(before[static_cast<size_t>(l)][static_cast<size_t>(p + discard)], -discard,
                                                   hp, hp.rope_freq_base, hp.rope_freq_scale);
            const std::vector<float> got = k_row(s, l, p);
            for (size_t i = 0; i < got.size(); ++i) all_layers.add(got[i], ref[i]);
        }
    }
    QVERIFY2(all_layers.value() <= 1e-5, std::to_string(all_layers.value()).c_str());

    size_t at = 0;
    for (int l = 0; l < hp.n_layer; ++l)
        for (int h = 0; h < hp.n_head_kv; ++h)
            for (int p = keep; p < n - discard; ++p, at += head_dim)
                QVERIFY(std::equal(v_at(l, h, p), v_at(l, h, p) + head_dim, v_before.begin() + static_cast<std::ptrdiff_t>(at)));

    // Layer 0 against the forward pass itself: the same tokens decoded at their new positions.
    std::vector<TokenId> moved(tokens.begin(), tokens.begin() + keep);
    moved.insert(moved.end(), tokens.begin() + keep + discard, tokens.begin() + n);
    Session fresh(model(), options(64));
    fresh.decode(moved);
    Ratio layer0;
    for (int p = keep; p < n - discard; ++p) {
        const std::vector<float> got = k_row(s, 0, p), ref = k_row(fresh, 0, p);
        for (size_t i = 0; i < got.size(); ++i) layer0.add(got[i], ref[i]);
    }
    QVERIFY2(layer0.value() <= 1e-5, std::to_string(layer0.value()).c_str());
    std::printf("shifted K vs double RoPE (all layers) %.3g, vs forward pass (layer 0) %.3g\n", all_layers.value(),
                layer0.value());
}

// gemma3's local and global layers rotate with different bases and scales; a shift must re-rotate each
// layer's K with its own (a single global RoPE is off by O(1) on the local layers).
void TestContextShift::shiftUsesEachLayersRope() {
    const HyperParams& hp = gemma3()->hparams();
    QCOMPARE(hp.n_layer, 6);
    QCOMPARE(hp.head_dim, 48);
    std::vector<TokenId> tokens;
    for (int i = 0; i < 40; ++i) tokens.push_back(3 + (i * 37) % 500);  // any ids: the model is random
    const int n = 40, keep = 4, discard = 12;
    Session s(gemma3(), options(64));
    s.decode(tokens);
    std::vector<std::vector<std::vector<float>>> before(static_cast<size_t>(hp.n_layer));
    for (int l = 0; l < hp.n_layer; ++l)
        for (int p = 0; p < n; ++p) before[static_cast<size_t>(l)].push_back(k_row(s, l, p));

    s.shift(keep, discard);
    for (int l = 0; l < hp.n_layer; ++l) {
        const bool local = l % 6 < 5;
        Ratio r;
        for (int p = keep; p < n - discard; ++p) {
            const std::vector<double> ref = rotate(before[static_cast<size_t>(l)][static_cast<size_t>(p + discard)], -discard,
                                                   hp, local ? 10000.0 : 1e6, local ? 1.0 : 0.125);
            const std::vector<float> got = k_row(s, l, p);
            for (size_t i = 0; i < got.size(); ++i) r.add(got[i], ref[i]);
        }
        QVERIFY2(r.value() <= 1e-5, ("layer " + std::to_string(l) + ": " + std::to_string(r.value())).c_str());
    }

    // Layer 0 (local) against the forward pass at the new positions.
    std::vector<TokenId> moved(tokens.begin(), tokens.begin() + keep);
    moved.insert(moved.end(), tokens.begin() + keep + discard, tokens.end());
    Session fresh(gemma3(), options(64));
    fresh.decode(moved);
    Ratio layer0;
    for (int p = keep; p < n - discard; ++p) {
        const std::vector<float> got = k_row(s, 0, p), ref = k_row(fresh, 0, p);
        for (size_t i = 0; i < got.size(); ++i) layer0.add(got[i], ref[i]);
    }
    QVERIFY2(layer0.value() <= 1e-5, std::to_string(layer0.value()).c_str());
}

void TestContextShift::conversationThreeTimesTheContext() {
    const char* lines[] = {"Once upon a time there was a cat.", " The cat liked to sleep in the sun.",
                           " One day a dog came to the garden.", " The dog wanted to play with the ball.",
                           " They ran and ran until the sun went down.", " Then it started to rain.",
                           " The cat and the dog went inside.", " Mom gave them warm milk.",
                           " They were happy and fell asleep.", " The next morning the sky was blue.",
                           " The birds were singing in the tree.", " The cat climbed up to see them."};
    for (const ContextPolicy policy : {ContextPolicy::Shift, ContextPolicy::Truncate}) {
        const int n_ctx = 128;
        Session s(model(), options(n_ctx));
        ChatOptions chat_options;
        chat_options.policy = policy;
        ChatSession chat(s, ChatTemplate::for_model(*model()), chat_options);
        QVERIFY(chat.chat_template().is_plain());
        chat.set_system_prompt("A story for children.");
        int processed = 0, shifts = 0;
        uint64_t seed = 1;
        for (const char* line : lines) {
            const ChatReply r = chat.send(line, sampled(40, seed++));
            QVERIFY(!r.tokens.empty());
            QVERIFY(r.stats.stop_reason != StopReason::ContextFull || policy == ContextPolicy::Truncate);
            processed += r.stats.prompt_tokens + static_cast<int>(r.tokens.size());
            shifts += r.turn.shifts;
            QCOMPARE(s.n_past(), static_cast<int>(chat.cached_tokens().size()));
            QVERIFY(s.n_past() <= n_ctx);
            // The system prompt and BOS stay at the start of the cache.
            const std::vector<TokenId> head = model()->tokenizer().encode("A story for children.", true, false);
            QVERIFY(std::equal(head.begin(), head.end(), chat.cached_tokens().begin()));
        }
        QVERIFY2(processed >= 3 * n_ctx, std::to_string(processed).c_str());
        std::printf("%s: %d tokens processed in a %d-token context, %d shifts, %zu messages dropped\n",
                    policy == ContextPolicy::Shift ? "shift" : "truncate", processed, n_ctx, shifts,
                    chat.first_message_in_context());
        QVERIFY(chat.first_message_in_context() > 0);
        if (policy == ContextPolicy::Shift) QVERIFY(shifts > 0);
        else QCOMPARE(shifts, 0);
    }
}

void TestContextShift::messageLongerThanTheContextIsAnError() {
    Session s(model(), options(64));
    ChatSession chat(s, ChatTemplate::for_model(*model()));
    std::string text;
    for (int i = 0; i < 40; ++i) text += " The little bird sang a song.";
    bool overflow = false;
    try {
        chat.send(text, sampled(8, 1));
    } catch (const Error& e) {
        overflow = e.kind() == ErrorKind::ContextOverflow && std::string(e.what()).find("context") != std::string::npos;
    }
    QVERIFY(overflow);
    QVERIFY(chat.messages().empty());
    // The session is still usable.
    QVERIFY(!chat.send("Once upon a time", sampled(8, 1)).tokens.empty());
}

CHORD_TEST_MAIN(TestContextShift, shiftReRotatesK, shiftUsesEachLayersRope, conversationThreeTimesTheContext, messageLongerThanTheContextIsAnError)
#ifndef CHORD_TEST_NO_QT
#include "test_context_shift.moc"
#endif
