// One transformer layer, as llama.cpp builds it for llama, qwen2/3, phi3, gemma2/3, starcoder2 and gpt2.
#include "runtime/forward_layer.h"

#include <cmath>

#include "model/arch_ops.h"
#include "model/hparams.h"
#include "model/matmul.h"
#include "model/ops.h"
#include "model/weights.h"
#include "threading/thread_pool.h"

namespace chord {

namespace {

void add_bias_if(float* rows, const WeightVector& b, int n_rows) {
    if (b) add_bias(rows, b.data, n_rows, b.n);
}

// Gemma's RMSNorm of a sub-layer's output, in place.  y: (n_rows, n_embd)
void post_norm_if(const HyperParams& hp, const WeightVector& w, float* y, int n_rows, ThreadPool& pool) {
    if (!w) return;
    rms_norm_rows(y, w.data, y, n_rows, hp.n_embd, hp.norm_eps, pool);
}

// Per-head RMSNorm with one weight vector for every head (qwen3, gemma3).  x: (n_heads, head_dim)
void head_norm(const HyperParams& hp, const WeightVector& w, float* x, int n_heads) {
    for (int h = 0; h < n_heads; ++h) {
        float* v = x + static_cast<size_t>(h) * static_cast<size_t>(hp.head_dim);
        rms_norm(v, w.data, v, hp.head_dim, hp.norm_eps);
    }
}

}  // namespace

void rope_heads(const HyperParams& hp, const ModelWeights& w, int layer, float* x, int n_heads, int pos) {
    if (hp.n_rot == 0) return;
    const LayerRope r = hp.rope_for_layer(layer);
    if (w.rope_freqs)
        rope_with_factors(x, n_heads, hp.head_dim, hp.n_rot, pos, r.freq_base, r.freq_scale, hp.rope_style,
                          w.rope_freqs.data);
    else
        rope(x, n_heads, hp.head_dim, hp.n_rot, pos, r.freq_base, r.freq_scale, hp.rope_style);
}

void norm_rows(const HyperParams& hp, const float* x, const WeightVector& w, const WeightVector& b, float* out,
               int n_rows, ThreadPool& pool) {
    if (hp.norm != NormKind::Layer) {
        rms_norm_rows(x, w.data, out, n_rows, hp.n_embd, hp.norm_eps, pool);
        return;
    }
    // One row per task (a row's sums stay in one thread's order); one row runs on the caller.
    const size_t dim = static_cast<size_t>(hp.n_embd);
    const auto row = [&](int64_t t, int) {
        layer_norm(&x[t * dim], w.data, b.data, &out[t * dim], hp.n_embd, hp.norm_eps);
    };
    if (n_rows == 1) row(0, 0);
    else pool.run(n_rows, row);
}

void attention_block(const HyperParams& hp, const ModelWeights& w, int layer, Session::State& s, int n, int pos0) {
    const LayerWeights& L = w.layers[static_cast<size_t>(layer)];
    const size_t q_dim = static_cast<size_t>(hp.q_dim());
    const size_t kv_dim = static_cast<size_t>(hp.kv_dim());

    // xn = norm(x)                                                      (n, n_embd)
    norm_rows(hp, s.x.data(), L.attn_norm, L.attn_norm_b, s.xn.data(), n, s.pool);
    // q = Wq·xn + bq, k = Wk·xn + bk, v = Wv·xn + bv                     (n, q_dim), (n, kv_dim), (n, kv_dim)
    const MatmulTarget qkv[] = {{&L.wq, s.q.data()}, {&L.wk, s.k.data()}, {&L.wv, s.v.data()}};
    matmul_shared_input(qkv, 3, s.xn.data(), n, s.pool, s.matmul_scratch);
    add_bias_if(s.q.data(), L.bq, n);
    add_bias_if(s.k.data(), L.bk, n);
    add_bias_if(s.v.data(), L.bv, n);

    // Per token: q/k norms, RoPE, query scaling, K and V into the cache (rows of different tokens are
    // independent, so a batch splits them across the pool).
    const auto per_token = [&](int64_t t, int) {
        float* q = &s.q[static_cast<size_t>(t) * q_dim];   // (n_head, head_dim)
        float* k = &s.k[static_cast<size_t>(t) * kv_dim];  // (n_head_kv, head_dim)
        const int pos = pos0 + static_cast<int>(t);
        if (L.q_norm) head_norm(hp, L.q_norm, q, hp.n_head);  // before RoPE
        if (L.k_norm) head_norm(hp, L.k_norm, k, hp.n_head_kv);
        rope_heads(hp, w, layer, q, hp.n_head, pos);
        rope_heads(hp, w, layer, k, hp.n_head_kv, pos);
        if (hp.q_scale > 0.0f) scale_inplace(q, static_cast<int64_t>(q_dim), hp.q_scale);  // phi3, gemma
        s.kv.store(layer, pos, k, &s.v[static_cast<size_t>(t) * kv_dim]);
    };
    if (n == 1) per_token(0, 0);
    else s.pool.run(n, per_token);

    // att = softmax(scale·q·Kᵀ, softcapped, causal, windowed)·V         (n, q_dim)
    AttentionArgs args;
    args.shape.n_q = n;
    args.shape.n_kv = pos0 + n;
    args.shape.n_head = hp.n_head;
    args.shape.n_head_kv = hp.n_head_kv;
    args.shape.head_dim = hp.head_dim;
    args.shape.pos0 = pos0;
    args.shape.scale = hp.q_scale > 0.0f ? 1.0f : 1.0f / std::sqrt(static_cast<float>(hp.head_dim));
    args.shape.softcap = hp.attn_softcap;
    args.shape.window = hp.attention_window(layer);
    args.q = s.q.data();
    args.k = s.kv.k(layer);
    args.v = s.kv.v(layer);
    args.kv_type = s.kv.type();
    args.kv_stride = s.kv.n_ctx();
    args.out = s.att.data();
    s.attention().run(args, s.pool);

    // x += post_norm(Wo·att + bo)                                       (n, n_embd)
    matmul(L.wo, s.att.data(), n, s.proj.data(), s.pool, s.matmul_scratch);
    add_bias_if(s.proj.data(), L.bo, n);
    post_norm_if(hp, L.post_attn_norm, s.proj.data(), n, s.pool);
    add_into(s.x.data(), s.proj.data(), static_cast<int64_t>(n) * hp.n_embd, s.pool);
}

void ffn_block(const HyperParams& hp, const LayerWeights& L, Session::State& s, int n) {
    const int64_t hidden = static_cast<int64_t>(n) * hp.n_ff;

    // xn = norm(x)                                                      (n, n_embd)
    norm_rows(hp, s.x.data(), L.ffn_norm, L.ffn_norm_b, s.xn.data(), n, s.pool);
    // h = act(Wg·xn) ⊙ Wu·xn, or act(Wu·xn + bu) without a gate        (n, n_ff)
    float* h = s.gate.data();
    if (hp.ffn == FfnKind::Gelu) {
        matmul(L.w_up, s.xn.data(), n, s.up.data(), s.pool, s.matmul_scratch);
        add_bias_if(s.up.data(), L.b_up, n);
        gelu_inplace(s.up.data(), hidden);
        h = s.up.data();
    } else {
        const MatmulTarget gate_up[] = {{&L.w_gate, s.gate.data()}, {&L.w_up, s.up.data()}};
        matmul_shared_input(gate_up, 2, s.xn.data(), n, s.pool, s.matmul_scratch);
        if (hp.ffn == FfnKind::GeGlu)
            gelu_mul(s.gate.data(), s.up.data(), hidden);
        else {
            // Row by row (ggml's SIMD chunks start at each row), one row per task.
            const auto row = [&](int64_t t, int) {
                silu_mul(&s.gate[static_cast<size_t>(t) * hp.n_ff], &s.up[static_cast<size_t>(t) * hp.n_ff], hp.n_ff);
            };
            if (n == 1) row(0, 0);
            else s.pool.run(n, row);
        }
    }
    // x += post_norm(Wd·h + bd)                                         (n, n_embd)
    matmul(L.w_down, h, n, s.proj.data(), s.pool, s.matmul_scratch);
    add_bias_if(s.proj.data(), L.b_down, n);
    post_norm_if(hp, L.post_ffn_norm, s.proj.data(), n, s.pool);
    add_into(s.x.data(), s.proj.data(), static_cast<int64_t>(n) * hp.n_embd, s.pool);
}

}  // namespace chord
