// The transformer forward pass for a batch of tokens, one layer at a time:
// attention norm → q,k,v → rope → cache → attend → output → ffn norm → gate/up → silu·mul → down.
#include <cmath>
#include <cstring>

#include "chord/error.h"
#include "chord/model.h"
#include "model/hparams.h"
#include "model/matmul.h"
#include "model/ops.h"
#include "model/weights.h"
#include "runtime/session_state.h"

namespace chord {

namespace {

void add_into(float* x, const float* y, size_t n) {
    for (size_t i = 0; i < n; ++i) x[i] += y[i];
}

void check_cancel(const std::atomic<bool>* cancel) {
    if (cancel && cancel->load(std::memory_order_relaxed)) throw Error(ErrorKind::Cancelled, "cancelled");
}

}  // namespace

void forward_batch(const Model& model, Session::State& s, const TokenId* tokens, int n, bool all_logits,
                   const std::atomic<bool>* cancel) {
    const HyperParams& hp = model.hparams();
    const ModelWeights& w = model.weights();
    const size_t dim = static_cast<size_t>(hp.n_embd);
    const size_t q_dim = static_cast<size_t>(hp.q_dim());
    const size_t kv_dim = static_cast<size_t>(hp.kv_dim());
    const size_t n_ff = static_cast<size_t>(hp.n_ff);
    const int pos0 = s.n_past;
    ThreadPool& pool = s.pool;

    for (int t = 0; t < n; ++t) {
        if (tokens[t] < 0 || tokens[t] >= hp.n_vocab)
            throw Error(ErrorKind::InvalidArgument, "token id " + std::to_string(tokens[t]) + " is outside the vocabulary");
        embedding_row(w.token_embd, tokens[t], &s.x[static_cast<size_t>(t) * dim]);
    }

    for (int l = 0; l < hp.n_layer; ++l) {
        check_cancel(cancel);
        const LayerWeights& L = w.layers[static_cast<size_t>(l)];

        // Attention block.
        for (int t = 0; t < n; ++t)
            rms_norm(&s.x[t * dim], L.attn_norm.data, &s.xn[t * dim], hp.n_embd, hp.rms_eps);
        const MatmulTarget qkv[] = {{&L.wq, s.q.data()}, {&L.wk, s.k.data()}, {&L.wv, s.v.data()}};
        matmul_shared_input(qkv, 3, s.xn.data(), n, pool, s.matmul_scratch);
        for (int t = 0; t < n; ++t) {
            rope(&s.q[t * q_dim], hp.n_head, hp.head_dim, hp.n_rot, pos0 + t, hp.rope_freq_base, hp.rope_freq_scale,
                 hp.rope_style);
            rope(&s.k[t * kv_dim], hp.n_head_kv, hp.head_dim, hp.n_rot, pos0 + t, hp.rope_freq_base,
                 hp.rope_freq_scale, hp.rope_style);
            s.kv.store(l, pos0 + t, &s.k[t * kv_dim], &s.v[t * kv_dim]);
        }
        AttentionArgs args;
        args.shape.n_q = n;
        args.shape.n_kv = pos0 + n;
        args.shape.n_head = hp.n_head;
        args.shape.n_head_kv = hp.n_head_kv;
        args.shape.head_dim = hp.head_dim;
        args.shape.pos0 = pos0;
        args.shape.scale = 1.0f / std::sqrt(static_cast<float>(hp.head_dim));
        args.q = s.q.data();
        args.k = s.kv.k(l);
        args.v = s.kv.v(l);
        args.kv_type = s.kv.type();
        args.kv_stride = s.kv.n_ctx();
        args.out = s.att.data();
        s.attention().run(args, pool);
        matmul(L.wo, s.att.data(), n, s.proj.data(), pool, s.matmul_scratch);
        add_into(s.x.data(), s.proj.data(), static_cast<size_t>(n) * dim);

        // Feed-forward block (SwiGLU).
        for (int t = 0; t < n; ++t)
            rms_norm(&s.x[t * dim], L.ffn_norm.data, &s.xn[t * dim], hp.n_embd, hp.rms_eps);
        const MatmulTarget gate_up[] = {{&L.w_gate, s.gate.data()}, {&L.w_up, s.up.data()}};
        matmul_shared_input(gate_up, 2, s.xn.data(), n, pool, s.matmul_scratch);
        silu_mul(s.gate.data(), s.up.data(), static_cast<int64_t>(n) * static_cast<int64_t>(n_ff));
        matmul(L.w_down, s.gate.data(), n, s.proj.data(), pool, s.matmul_scratch);
        add_into(s.x.data(), s.proj.data(), static_cast<size_t>(n) * dim);
    }

    // Final norm and logits, for the last token only unless every row is wanted.
    const int first = all_logits ? 0 : n - 1;
    const int rows = n - first;
    for (int t = 0; t < rows; ++t)
        rms_norm(&s.x[(first + t) * dim], w.output_norm.data, &s.xn[t * dim], hp.n_embd, hp.rms_eps);
    s.logits.resize(static_cast<size_t>(rows) * static_cast<size_t>(hp.n_vocab));
    matmul(w.output, s.xn.data(), rows, s.logits.data(), pool, s.matmul_scratch);
    s.n_past = pos0 + n;
}

}  // namespace chord
