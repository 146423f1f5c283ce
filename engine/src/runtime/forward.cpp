// The transformer forward pass for a batch of tokens:
// embed (× √n_embd for gemma, + learned positions for gpt2) → per layer: attention block, FFN block
// (runtime/forward_layer.cpp) → final norm → logits (soft-capped for gemma2).
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "chord/error.h"
#include "chord/model.h"
#include "model/arch_ops.h"
#include "model/hparams.h"
#include "model/matmul.h"
#include "model/weights.h"
#include "runtime/forward_layer.h"
#include "runtime/session_state.h"

namespace chord {

namespace {

void check_cancel(const std::atomic<bool>* cancel) {
    if (cancel && cancel->load(std::memory_order_relaxed)) throw Error(ErrorKind::Cancelled, "cancelled");
}

// x[t] = token_embd[tokens[t]] (· √n_embd) (+ position_embd[pos0 + t])   x: (n, n_embd)
void embed(const HyperParams& hp, const ModelWeights& w, Session::State& s, const TokenId* tokens, int n, int pos0) {
    const size_t dim = static_cast<size_t>(hp.n_embd);
    if (hp.learned_positions && pos0 + n > w.position_embd.n_out)
        throw Error(ErrorKind::ContextOverflow,
                    fmt::format("position {} is past the {} positions this {} model has embeddings for", pos0 + n - 1,
                                w.position_embd.n_out, hp.arch));
    for (int t = 0; t < n; ++t) {
        if (tokens[t] < 0 || tokens[t] >= hp.n_vocab)
            throw Error(ErrorKind::InvalidArgument, "token id " + std::to_string(tokens[t]) + " is outside the vocabulary");
        float* x = &s.x[static_cast<size_t>(t) * dim];
        embedding_row(w.token_embd, tokens[t], x);
        if (hp.scale_embedding) scale_inplace(x, hp.n_embd, std::sqrt(static_cast<float>(hp.n_embd)));
        if (hp.learned_positions) {
            float* p = &s.proj[static_cast<size_t>(t) * dim];
            embedding_row(w.position_embd, pos0 + t, p);
            for (size_t i = 0; i < dim; ++i) x[i] += p[i];
        }
    }
}

}  // namespace

void forward_batch(const Model& model, Session::State& s, const TokenId* tokens, int n, bool all_logits,
                   const std::atomic<bool>* cancel) {
    const HyperParams& hp = model.hparams();
    const ModelWeights& w = model.weights();
    const size_t dim = static_cast<size_t>(hp.n_embd);
    const int pos0 = s.n_past;

    embed(hp, w, s, tokens, n, pos0);
    for (int l = 0; l < hp.n_layer; ++l) {
        check_cancel(cancel);
        attention_block(hp, w, l, s, n, pos0);
        ffn_block(hp, w.layers[static_cast<size_t>(l)], s, n);
    }

    // Final norm and logits, for the last token only unless every row is wanted.  logits: (rows, n_vocab)
    const int first = all_logits ? 0 : n - 1;
    const int rows = n - first;
    norm_rows(hp, &s.x[static_cast<size_t>(first) * dim], w.output_norm, w.output_norm_b, s.xn.data(), rows);
    s.logits.resize(static_cast<size_t>(rows) * static_cast<size_t>(hp.n_vocab));
    matmul(w.output, s.xn.data(), rows, s.logits.data(), s.pool, s.matmul_scratch);
    if (hp.final_softcap > 0.0f) soft_cap(s.logits.data(), static_cast<int64_t>(s.logits.size()), hp.final_softcap);
    s.n_past = pos0 + n;
}

}  // namespace chord
