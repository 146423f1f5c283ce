#pragma once
// The two halves of a transformer layer, shared by every architecture; what differs between
// architectures (norm kind, biases, fused weights, q/k norms, RoPE, query scaling, soft-capping,
// sliding window, post-norms, FFN kind) is read from HyperParams and from which weights exist.
#include "runtime/session_state.h"

namespace chord {

class ThreadPool;
struct HyperParams;
struct LayerWeights;
struct ModelWeights;
struct WeightVector;

// rows[t] = norm(x[t]) for t < n_rows: RMSNorm, or LayerNorm with its bias, per hp.norm.  x, out: (n_rows, n_embd)
// Rows are split across the pool (each row computed as on one thread).
void norm_rows(const HyperParams& hp, const float* x, const WeightVector& w, const WeightVector& b, float* out,
               int n_rows, ThreadPool& pool);

// RoPE of one layer at position pos for n_heads heads of x (n_heads, head_dim): the layer's base and scale
// (gemma3's local layers differ), the file's frequency factors if any; nothing when hp.n_rot is 0.
// Rotations compose (R(p)·R(d) = R(p + d)), so a context shift may re-rotate cached K with pos = delta.
void rope_heads(const HyperParams& hp, const ModelWeights& w, int layer, float* x, int n_heads, int pos);

// x += attention(norm(x)) for the batch of n tokens at positions pos0 … pos0 + n − 1; stores K and V.
void attention_block(const HyperParams& hp, const ModelWeights& w, int layer, Session::State& s, int n, int pos0);

// x += ffn(norm(x)) for the batch of n tokens.
void ffn_block(const HyperParams& hp, const LayerWeights& L, Session::State& s, int n);

}  // namespace chord
