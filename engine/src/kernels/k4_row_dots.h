#pragma once
// The block loops of the Q4_K and Q5_K row dots, shared by every ISA: each ISA brings only its exact
// integer sums and its lane register (the Isa parameter, see k_quant_{avx2,avx512,neon}.cpp), and this file
// the float steps, llama.cpp's x86 order. Internal linkage, like k_quant_scales.h: every ISA folder compiles
// it with its own flags.
//
// Isa provides:
//   static float f16(uint16_t)                                   fp16 → fp32
//   static K4Sums q4_k_sums(const BlockQ4_K&, const BlockQ8_K&)   Σ sc·Σ q·a and Σ mn·bsum of a super-block
//   Lanes, Lanes8                                                8 int32 x86 lanes; 8 float running sums with
//                                                                add(d, Lanes): fma per lane, sum(): hsum_float_8
//   static Lanes q5_k_lanes(const BlockQ5_K&, const BlockQ8_K&, int32_t& min_sum)   also sets Σ mn·bsum
#include <cmath>
#include <cstdint>

#include "kernels/k_quant_scales.h"
#include "quant/blocks_k.h"

namespace chord {
namespace {

struct K4Sums {
    int32_t sum;      // Σ over sub-blocks of sc · Σ q·a
    int32_t min_sum;  // Σ over the 16 groups g of mn[g/2] · bsums[g]
};

// Q4_K in llama.cpp's repacked-Q4_K order: whole super-block integer sums, two fused float sums.
template <typename Isa>
float q4_k_row_dot(const void* w, const void* act, int64_t n) {
    const auto* x = static_cast<const BlockQ4_K*>(w);
    const auto* y = static_cast<const BlockQ8_K*>(act);
    float acc = 0.0f, acc_min = 0.0f;
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        const K4Sums s = Isa::q4_k_sums(x[i], y[i]);
        acc = std::fma(static_cast<float>(s.sum), Isa::f16(x[i].d) * y[i].d, acc);
        acc_min = std::fma(static_cast<float>(s.min_sum), Isa::f16(x[i].dmin) * y[i].d, acc_min);
    }
    return acc - acc_min;
}

// Q5_K in ggml's AVX2 order: each super-block's 8 x86 lanes fused into 8 running sums reduced as
// hsum_float_8; the minimum terms in their own fused sum, added last.
template <typename Isa>
float q5_k_row_dot(const void* w, const void* act, int64_t n) {
    const auto* x = static_cast<const BlockQ5_K*>(w);
    const auto* y = static_cast<const BlockQ8_K*>(act);
    typename Isa::Lanes8 acc;
    float min_terms = 0.0f;
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        int32_t min_sum;
        const typename Isa::Lanes lanes = Isa::q5_k_lanes(x[i], y[i], min_sum);
        min_terms = std::fma(-y[i].d * Isa::f16(x[i].dmin), static_cast<float>(min_sum), min_terms);
        acc.add(y[i].d * Isa::f16(x[i].d), lanes);
    }
    return acc.sum() + min_terms;
}

}  // namespace
}  // namespace chord
