#pragma once
// Session internals: the KV cache, per-batch activation buffers, the thread pool and both attention
// backends (so switching between them costs nothing).
#include <memory>
#include <vector>

#include "attention/attention.h"
#include "chord/session.h"
#include "model/matmul.h"
#include "runtime/kv_cache.h"
#include "threading/thread_pool.h"

namespace chord {

struct Session::State {
    SessionOptions options;
    int n_ctx = 0;
    int n_past = 0;
    ThreadPool pool;
    KvCache kv;
    std::unique_ptr<Attention> flash;
    std::unique_ptr<Attention> standard;
    AttentionBackend backend = AttentionBackend::Flash;

    // Activations for up to n_batch tokens (B = tokens in the batch):
    std::vector<float> x;       // (B, n_embd) residual stream
    std::vector<float> xn;      // (B, n_embd) normalised input of a sub-layer
    std::vector<float> q;       // (B, n_head·head_dim)
    std::vector<float> k;       // (B, n_head_kv·head_dim)
    std::vector<float> v;       // (B, n_head_kv·head_dim)
    std::vector<float> att;     // (B, n_head·head_dim) attention output
    std::vector<float> proj;    // (B, n_embd) output of wo / w_down
    std::vector<float> gate;    // (B, n_ff)
    std::vector<float> up;      // (B, n_ff)
    std::vector<float> logits;  // (rows returned, n_vocab)
    MatmulScratch matmul_scratch;

    State(const Model& model, const SessionOptions& opts, int ctx, int threads);
    Attention& attention() { return backend == AttentionBackend::Flash ? *flash : *standard; }
    uint64_t buffer_bytes() const;
};

// Runs one batch (tokens at positions n_past …) through the model; fills logits for the last token,
// or for every token when all_logits. Defined in runtime/forward.cpp.
void forward_batch(const Model& model, Session::State& s, const TokenId* tokens, int n, bool all_logits,
                   const std::atomic<bool>* cancel);

}  // namespace chord
