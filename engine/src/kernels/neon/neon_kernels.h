#pragma once
// Entry points of the NEON kernels (aarch64; only reached through the table). The folder is compiled
// with dotprod and fp16 enabled, so every function that uses them has a twin without, and the table
// picks by the CPU's features at run time.
#include <cstdint>

#include "chord/tensor_type.h"

namespace chord {

struct QuantFormat;
struct WeightMatrix;
struct Kernels;

namespace neon {

// Q8_0 rows exactly as quant/q8_0.cpp's quantize_activations (round half to even of x·127/amax).
void convert_q8_0_rows(const float* x, int64_t n_in, int64_t t0, int64_t t1, uint8_t* act);
void convert_widened(const QuantFormat& w, const float* x, int64_t n_in, int64_t t0, int64_t t1, float* act);

// Q4_0 / Q8_0 weights with Q8_0 activation rows. Integer block sums, then the reference's float order.
void gemm_q8_dotprod(const WeightMatrix& w, int64_t row0, int64_t row1, const uint8_t* act, int64_t n_tokens, float* y);
void gemm_q8_base(const WeightMatrix& w, int64_t row0, int64_t row1, const uint8_t* act, int64_t n_tokens, float* y);
// F32 / F16 / BF16 weights with widened activations, in the reference's (ggml AVX-512) order.
void gemm_float(const WeightMatrix& w, int64_t row0, int64_t row1, const float* act, int64_t n_tokens, float* y);

// dot(weight row, Q8_K activation row) of n elements for Q2_K, Q3_K, Q4_K, Q5_K, Q6_K and IQ4_XS weights, bit-identical
// to the type's scalar vec_dot; nullptr for other types.
using RowDot = float (*)(const void* w, const void* act, int64_t n);
RowDot k_quant_dot_dotprod(TensorType type);
RowDot k_quant_dot_base(TensorType type);
// The same for Q4_1 / Q5_1 (Q8_1 activation rows) and Q5_0 / IQ4_NL (Q8_0 rows); nullptr for other types.
RowDot block32_dot_dotprod(TensorType type);
RowDot block32_dot_base(TensorType type);
void silu_mul(float* gate, const float* up, int64_t n);

}  // namespace neon
}  // namespace chord
