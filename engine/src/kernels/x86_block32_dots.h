#pragma once
// The row dots (one token) of the 32-element block formats for the x86 tables, in the scalar references'
// float steps exactly (llama.cpp's x86 order): Q4_1 / Q5_0 / Q5_1 fuse every block's 8 integer lanes into
// 8 running sums reduced as hsum_float_8 (Q4_1 / Q5_1: plus the fused minimum terms, added last); IQ4_NL
// fuses whole-block integer sums into one running sum. Isa: see x86_block32_codes.h.
#include "kernels/x86_intrinsics.h"

#include <cmath>
#include <cstdint>

#include "chord/tensor_type.h"
#include "kernels/x86_block32_codes.h"

namespace chord {
namespace {

template <class Isa, class Codes>
float block32_lanes_dot(const void* w, const void* act, int64_t n) {
    const auto* x = static_cast<const typename Codes::Block*>(w);
    const auto* y = static_cast<const typename Codes::Act*>(act);
    constexpr bool kMin = requires(const typename Codes::Block& b) { b.m; };
    __m256 acc = _mm256_setzero_ps();
    float min_terms = 0.0f;
    for (int64_t i = 0; i < n / 32; ++i) {
        if constexpr (kMin) min_terms = std::fma(_cvtsh_ss(x[i].m), _cvtsh_ss(y[i].s), min_terms);
        acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(Codes::lanes(Codes::codes(x[i]), block32_load(y[i].qs))),
                              _mm256_set1_ps(_cvtsh_ss(x[i].d) * _cvtsh_ss(y[i].d)), acc);
    }
    if constexpr (kMin) return Isa::hsum8(acc) + min_terms;
    else return Isa::hsum8(acc);
}

// Whole-block sums four blocks at a time, then the fused running sum block by block.
template <class Isa, class Codes>
float block32_sums_dot(const void* w, const void* act, int64_t n) {
    const auto* x = static_cast<const typename Codes::Block*>(w);
    const auto* y = static_cast<const typename Codes::Act*>(act);
    const int64_t nb = n / 32;
    const auto block_lanes = [&](int64_t i) { return Codes::lanes(Codes::codes(x[i]), block32_load(y[i].qs)); };
    const __m256i z = _mm256_setzero_si256();
    float acc = 0.0f;
    for (int64_t i = 0; i < nb; i += 4) {
        alignas(16) int32_t sums[4];
        _mm_store_si128(reinterpret_cast<__m128i*>(sums),
                        Isa::hsum_i32_x4(block_lanes(i), i + 1 < nb ? block_lanes(i + 1) : z,
                                         i + 2 < nb ? block_lanes(i + 2) : z, i + 3 < nb ? block_lanes(i + 3) : z));
        for (int k = 0; k < 4 && i + k < nb; ++k)
            acc = std::fma(static_cast<float>(sums[k]), _cvtsh_ss(x[i + k].d) * _cvtsh_ss(y[i + k].d), acc);
    }
    return acc;
}

// The row dot for type; nullptr for other types.
template <class Isa>
float (*block32_row_dot(TensorType type))(const void*, const void*, int64_t) {
    switch (type) {
        case TensorType::Q4_1: return block32_lanes_dot<Isa, Q4_1Codes<Isa>>;
        case TensorType::Q5_0: return block32_lanes_dot<Isa, Q5_0Codes<Isa>>;
        case TensorType::Q5_1: return block32_lanes_dot<Isa, Q5_1Codes<Isa>>;
        case TensorType::IQ4_NL: return block32_sums_dot<Isa, IQ4_NLCodes<Isa>>;
        default: return nullptr;
    }
}

}  // namespace
}  // namespace chord
