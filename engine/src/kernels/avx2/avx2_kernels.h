#pragma once
// Entry points of the AVX2+FMA kernels (compiled with -mavx2 -mfma -mf16c; only reached through the table).
#include <cstddef>
#include <cstdint>

#include "chord/tensor_type.h"
#include "kernels/q8_activations.h"

namespace chord {

struct QuantFormat;
struct WeightMatrix;

namespace avx2 {

// Below this many tokens a batch uses the per-token kernels; from it on, 16-token groups (q8_activations.h).
constexpr int64_t kMinGroupedTokens = 4;

void convert_q8_0(const float* x, int64_t n_in, int64_t t0, int64_t t1, const Q8ActivationLayout& layout, uint8_t* act);
void convert_widened(const QuantFormat& w, const float* x, int64_t n_in, int64_t t0, int64_t t1, float* act);

void gemm_q4_0(const WeightMatrix& w, int64_t row0, int64_t row1, const Q8ActivationLayout& layout, const uint8_t* act,
               float* y);
void gemm_q8_0(const WeightMatrix& w, int64_t row0, int64_t row1, const Q8ActivationLayout& layout, const uint8_t* act,
               float* y);
// dot(weight row, Q8_K activation row) of n elements for Q2_K, Q3_K, Q4_K, Q5_K, Q6_K and IQ4_XS weights, bit-identical
// to the type's scalar vec_dot; nullptr for other types.
// Q8_K rows (plain [n_tokens][n_in / 256] BlockQ8_K) of tokens [t0, t1), byte for byte as the scalar quantizer.
void convert_q8_k(const float* x, int64_t n_in, int64_t t0, int64_t t1, uint8_t* act);
using RowDot = float (*)(const void* w, const void* act, int64_t n);
RowDot k_quant_dot(TensorType type);
// The same for Q4_1 / Q5_1 (Q8_1 activation rows) and Q5_0 / IQ4_NL (Q8_0 rows); nullptr for other types.
RowDot block32_dot(TensorType type);
// y[t][r] = dot(W row r, Q8_K activation row t) for r in [row0, row1) and every token (rows stride bytes
// apart), several tokens per weight pass; the same bits as the row dot. nullptr for types without one.
using KQuantGemm = void (*)(const WeightMatrix& w, int64_t row0, int64_t row1, const uint8_t* act, size_t stride,
                            int64_t n_tokens, float* y);
KQuantGemm k_quant_gemm(TensorType type);
// The same for Q4_1 / Q5_1 (Q8_1 activation rows) and Q5_0 / IQ4_NL (Q8_0 rows); nullptr for other types.
KQuantGemm block32_gemm(TensorType type);
void silu_mul(float* gate, const float* up, int64_t n);
void gemm_float(const WeightMatrix& w, int64_t row0, int64_t row1, const float* act, int64_t n_tokens, float* y);

}  // namespace avx2
}  // namespace chord
