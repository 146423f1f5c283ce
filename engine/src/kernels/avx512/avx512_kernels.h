#pragma once
// Entry points of the AVX-512 kernels (compiled with AVX-512 flags; only reached through the table).
#include <cstddef>
#include <cstdint>

#include "chord/tensor_type.h"
#include "kernels/q8_activations.h"

namespace chord {

struct QuantFormat;
struct WeightMatrix;

namespace avx512 {

// Below this many tokens a batch uses the per-token kernels; from it on, 16-token groups (q8_activations.h).
constexpr int64_t kMinGroupedTokens = 4;

void convert_q8_0(const float* x, int64_t n_in, int64_t t0, int64_t t1, const Q8ActivationLayout& layout, uint8_t* act);
void convert_widened(const QuantFormat& w, const float* x, int64_t n_in, int64_t t0, int64_t t1, float* act);

// Q4_0 / Q8_0 weights with Q8_0 activations in the layout above.
void gemm_q4_0(const WeightMatrix& w, int64_t row0, int64_t row1, const Q8ActivationLayout& layout, const uint8_t* act,
               float* y);
void gemm_q8_0(const WeightMatrix& w, int64_t row0, int64_t row1, const Q8ActivationLayout& layout, const uint8_t* act,
               float* y);
// F32 / F16 / BF16 weights with widened activations ([n_tokens][n_in] floats).
// dot(weight row, Q8_K activation row) of n elements for Q2_K, Q3_K, Q4_K, Q5_K, Q6_K and IQ4_XS weights, bit-identical
// to the type's scalar vec_dot; nullptr for other types.
// Q8_K rows (plain [n_tokens][n_in / 256] BlockQ8_K) of tokens [t0, t1), byte for byte as the scalar quantizer.
void convert_q8_k(const float* x, int64_t n_in, int64_t t0, int64_t t1, uint8_t* act);
using RowDot = float (*)(const void* w, const void* act, int64_t n);
RowDot k_quant_dot(TensorType type);
// Q4_K rows [row0, row1) × one Q8_K activation row (decode), four rows at a time, bit-identical to
// k_quant_dot(Q4_K) row by row; reads RowMajor and Interleaved4 matrices.
void q4_k_rows_one_token(const WeightMatrix& w, int64_t row0, int64_t row1, const uint8_t* act, float* y);
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

}  // namespace avx512
}  // namespace chord
