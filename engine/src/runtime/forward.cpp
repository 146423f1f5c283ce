// The transformer forward pass for a batch of tokens:
// embed (× √n_embd for gemma, + learned positions for gpt2) → per layer: attention block, FFN block
// (runtime/forward_layer.cpp) → final norm → logits (soft-capped for gemma2).
#include <algorithm>
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
    // Rows that go on to the logits: all, or only the last token's. As llama.cpp, the last layer's FFN only
    // runs on those rows (after its attention, which every row's K and V need); besides saving work, a
    // single row takes the one-token matmul path, whose summation order differs from a batch's.
    int rows = n;
    for (int l = 0; l < hp.n_layer; ++l) {
        check_cancel(cancel);
        attention_block(hp, w, l, s, n, pos0);
        if (l == hp.n_layer - 1 && !all_logits && n > 1) {
            std::copy_n(&s.x[static_cast<size_t>(n - 1) * dim], dim, s.x.data());  // x: (1, n_embd)
            rows = 1;
        }
        ffn_block(hp, w.layers[static_cast<size_t>(l)], s, rows);
    }

    // Final norm and logits.  logits: (rows, n_vocab)
    norm_rows(hp, s.x.data(), w.output_norm, w.output_norm_b, s.xn.data(), rows, s.pool);
    s.logits.resize(static_cast<size_t>(rows) * static_cast<size_t>(hp.n_vocab));
    matmul(w.output, s.xn.data(), rows, s.logits.data(), s.pool, s.matmul_scratch);
    if (hp.final_softcap > 0.0f) soft_cap(s.logits.data(), static_cast<int64_t>(s.logits.size()), hp.final_softcap);
    s.n_past = pos0 + n;
}

}  // namespace chord
