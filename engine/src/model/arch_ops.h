#pragma once
// Element-wise ops that only some architectures use (GELU, LayerNorm, biases, soft-capping, RoPE with
// frequency factors), written to match ggml's CPU arithmetic. The ops every model uses are in ops.h.
#include <cstdint>

#include "model/hparams.h"

namespace chord {

// GELU, tanh approximation 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), as ggml's CPU backend evaluates
// it: x is rounded to fp16 and looked up in a table of fp16 results; x ≤ −10 gives 0, x ≥ 10 gives x.
float gelu(float x);
// The same formula in float, without the fp16 table (what the table is built from, with ggml's fused
// multiply-add in 1 + 0.044715·x²).
float gelu_exact(float x);

void gelu_inplace(float* x, int64_t n);
// gate[i] = gelu(gate[i]) · up[i]   (GeGLU)
void gelu_mul(float* gate, const float* up, int64_t n);

// out = (x − mean) / sqrt(var + eps) · w + b   (sums in ggml's order, see arch_ops.cpp; b may be null)
void layer_norm(const float* x, const float* w, const float* b, float* out, int64_t n, float eps);

// rows[t][i] += bias[i] for t < n_rows, i < n
void add_bias(float* rows, const float* bias, int64_t n_rows, int64_t n);

// x[i] *= s
void scale_inplace(float* x, int64_t n, float s);

// x[i] = cap · tanh(x[i] · (1/cap))   (ggml: scale, tanh, scale)
void soft_cap(float* x, int64_t n, float cap);

// RoPE whose pair i turns by pos · freq_scale · base^(−2i/n_rot) / factors[i] (Llama 3.1's rope_freqs);
// otherwise as rope() in ops.h.
void rope_with_factors(float* x, int n_heads, int head_dim, int n_rot, int pos, float freq_base, float freq_scale,
                       RopeStyle style, const float* factors);

}  // namespace chord
