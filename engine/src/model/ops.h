#pragma once
// Element-wise transformer ops, written to match ggml's CPU arithmetic.
#include <cstdint>

#include "model/hparams.h"

namespace chord {

// out = x / sqrt(mean(x²) + eps) · w   (sum of squares in double, like ggml's rms_norm)
void rms_norm(const float* x, const float* w, float* out, int64_t n, float eps);

// Rotates the first n_rot dims of each of n_heads heads (head_dim apart) in place for position pos.
// ggml computes the angles incrementally in float: theta_i = pos · base^(-2i/n_rot), by repeated multiply.
void rope(float* x, int n_heads, int head_dim, int n_rot, int pos, float freq_base, float freq_scale, RopeStyle style);

// gate[i] = silu(gate[i]) · up[i], silu(x) = x / (1 + e^-x)
void silu_mul(float* gate, const float* up, int64_t n);

}  // namespace chord
