#pragma once
// The scalar reference path (every type through its QuantFormat), also the fallback the SIMD tables
// use for weight types they have no kernel for. Activations here are plain rows of the vec_dot type.
#include <cstddef>
#include <cstdint>

namespace chord {

struct QuantFormat;
struct WeightMatrix;

// Bytes of n_tokens rows of w's vec_dot type.
size_t reference_activation_bytes(const QuantFormat& w, int64_t n_in, int64_t n_tokens);
// Converts tokens [t0, t1) into rows of w's vec_dot type (llama.cpp's x86 rounding for Q8_0).
void reference_convert_activations(const QuantFormat& w, const float* x, int64_t n_in, int64_t t0, int64_t t1,
                                   uint8_t* act);
// y[t][r] = dot(W row r, act row t); act rows are act_stride bytes apart. dot: the format's vec_dot when
// nullptr, else an ISA's kernel with the same contract.
void reference_gemm_rows(const WeightMatrix& w, int64_t row0, int64_t row1, const uint8_t* act, size_t act_stride,
                         int64_t n_tokens, float* y, float (*dot)(const void*, const void*, int64_t) = nullptr);

// gate[i] = gate[i] / (1 + std::exp(−gate[i])) · up[i]
void reference_silu_mul(float* gate, const float* up, int64_t n);

}  // namespace chord
