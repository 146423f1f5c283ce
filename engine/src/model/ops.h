#pragma once
// Element-wise transformer ops, written to match ggml's CPU arithmetic. The overloads taking a
// ThreadPool split rows (or elements) across it, so a batch keeps every core busy between matmuls;
// each element is computed exactly as by the single-threaded version, whatever the thread count.
#include <cstdint>

#include "model/hparams.h"

namespace chord {

class ThreadPool;

// out = x / sqrt(mean(x²) + eps) · w   (sum of squares in double, like ggml's rms_norm)
void rms_norm(const float* x, const float* w, float* out, int64_t n, float eps);
// The same for n_rows rows of n elements (x, out: [n_rows][n]).
void rms_norm_rows(const float* x, const float* w, float* out, int64_t n_rows, int64_t n, float eps, ThreadPool& pool);

// Rotates the first n_rot dims of each of n_heads heads (head_dim apart) in place for position pos.
// ggml computes the angles incrementally in float: theta_i = pos · base^(-2i/n_rot), by repeated multiply.
void rope(float* x, int n_heads, int head_dim, int n_rot, int pos, float freq_base, float freq_scale, RopeStyle style);

// One rotation (x0, x1) → (x0·c − x1·s, x0·s + x1·c) as ggml's CPU rope does it (GNU C with contraction on
// an FMA target): each result is one fused multiply-add of x0 onto the rounded x1 product.
inline void rotate_pair(float& x0, float& x1, float c, float s) {
    const float a = x0, b = x1;
    const float bs = b * s, bc = b * c;
    x0 = __builtin_fmaf(a, c, -bs);
    x1 = __builtin_fmaf(a, s, bc);
}

// gate[i] = silu(gate[i]) · up[i], silu(x) = x / (1 + e^-x), on the dispatched kernel table.
void silu_mul(float* gate, const float* up, int64_t n);
void silu_mul(float* gate, const float* up, int64_t n, ThreadPool& pool);

// x[i] += y[i] (the residual connections).
void add_into(float* x, const float* y, int64_t n, ThreadPool& pool);

}  // namespace chord
