// AVX-512 VNNI dots of the 32-element block formats: Q4_1 and Q5_1 weights with Q8_1 activation rows,
// Q5_0 and IQ4_NL weights with Q8_0 rows.
//
// Integers: one 256-bit register holds a block's 32 weights in element order (byte j < 16: low nibble of
// qs[j], byte 16 + j: its high nibble); vpdpbusd multiplies unsigned codes (signed weights: |w| with
// sign(a, w)) by the activation bytes and leaves int32 lane l = the products of elements 4l…4l+3, exact.
// Floats: the scalar references' steps exactly (llama.cpp's x86 order): Q4_1 / Q5_0 / Q5_1 fuse every
// block's 8 lanes into 8 running sums reduced as hsum_float_8; IQ4_NL fuses whole-block sums into one.
// (Blocks are 18-24 bytes, so 512-bit registers would only add shuffles; the loads bound the speed.)
#include "kernels/x86_intrinsics.h"

#include <cmath>
#include <cstdint>
#include <cstring>

#include "kernels/avx512/avx512_kernels.h"
#include "kernels/avx512/lanes_avx512.h"
#include "quant/blocks.h"

namespace chord::avx512 {

namespace {

// A block's 32 4-bit codes in element order.
__m256i nibbles(const uint8_t* qs) {
    const __m128i raw = _mm_loadu_si128(reinterpret_cast<const __m128i*>(qs));
    return _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(raw, 4), raw), _mm256_set1_epi8(0x0F));
}

// 0x10 in byte j where bit j of the little-endian qh is set (the fifth bit of Q5_0 / Q5_1 element j).
__m256i fifth_bits(const uint8_t* qh) {
    uint32_t bits;
    std::memcpy(&bits, qh, 4);
    return _mm256_maskz_mov_epi8(bits, _mm256_set1_epi8(0x10));
}

// int32 lane l = Σ q·a over elements 4l…4l+3, q unsigned.
__m256i lanes_u(__m256i q, __m256i a) { return _mm256_dpbusd_epi32(_mm256_setzero_si256(), q, a); }
// The same for signed weights.
__m256i lanes_s(__m256i w, __m256i a) {
    return _mm256_dpbusd_epi32(_mm256_setzero_si256(), _mm256_abs_epi8(w), _mm256_sign_epi8(a, w));
}

float dot_q4_1(const void* w, const void* act, int64_t n) {
    const auto* x = static_cast<const BlockQ4_1*>(w);
    const auto* y = static_cast<const BlockQ8_1*>(act);
    __m256 acc = _mm256_setzero_ps();
    float min_terms = 0.0f;
    for (int64_t i = 0; i < n / kQK4_1; ++i) {
        min_terms = std::fma(f16(x[i].m), f16(y[i].s), min_terms);
        const __m256i lanes = lanes_u(nibbles(x[i].qs), load256(y[i].qs));
        acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(lanes), _mm256_set1_ps(f16(x[i].d) * f16(y[i].d)), acc);
    }
    return hsum8(acc) + min_terms;
}

float dot_q5_1(const void* w, const void* act, int64_t n) {
    const auto* x = static_cast<const BlockQ5_1*>(w);
    const auto* y = static_cast<const BlockQ8_1*>(act);
    __m256 acc = _mm256_setzero_ps();
    float min_terms = 0.0f;
    for (int64_t i = 0; i < n / kQK5_1; ++i) {
        min_terms = std::fma(f16(x[i].m), f16(y[i].s), min_terms);
        const __m256i q = _mm256_or_si256(nibbles(x[i].qs), fifth_bits(x[i].qh));
        acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(lanes_u(q, load256(y[i].qs))),
                              _mm256_set1_ps(f16(x[i].d) * f16(y[i].d)), acc);
    }
    return hsum8(acc) + min_terms;
}

float dot_q5_0(const void* w, const void* act, int64_t n) {
    const auto* x = static_cast<const BlockQ5_0*>(w);
    const auto* y = static_cast<const BlockQ8_0*>(act);
    const __m256i sixteen = _mm256_set1_epi8(16);
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / kQK5_0; ++i) {
        const __m256i q = _mm256_sub_epi8(_mm256_or_si256(nibbles(x[i].qs), fifth_bits(x[i].qh)), sixteen);
        acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(lanes_s(q, load256(y[i].qs))),
                              _mm256_set1_ps(f16(x[i].d) * f16(y[i].d)), acc);
    }
    return hsum8(acc);
}

// IQ4_NL: the codes index the 16 signed levels. Whole-block sums four blocks at a time, then the fused
// running sum block by block.
float dot_iq4_nl(const void* w, const void* act, int64_t n) {
    const auto* x = static_cast<const BlockIQ4_NL*>(w);
    const auto* y = static_cast<const BlockQ8_0*>(act);
    const __m256i levels = _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(kIq4nlValues)));
    const int64_t nb = n / kQK4_NL;
    auto block_lanes = [&](int64_t i) { return lanes_s(_mm256_shuffle_epi8(levels, nibbles(x[i].qs)), load256(y[i].qs)); };
    float acc = 0.0f;
    int64_t i = 0;
    for (; i + 4 <= nb; i += 4) {
        alignas(16) int32_t sums[4];
        _mm_store_si128(reinterpret_cast<__m128i*>(sums),
                        hsum_i32_x4(block_lanes(i), block_lanes(i + 1), block_lanes(i + 2), block_lanes(i + 3)));
        for (int k = 0; k < 4; ++k)
            acc = std::fma(static_cast<float>(sums[k]), f16(x[i + k].d) * f16(y[i + k].d), acc);
    }
    for (; i < nb; ++i) {
        const __m256i z = _mm256_setzero_si256();
        const int32_t sum = _mm_cvtsi128_si32(hsum_i32_x4(block_lanes(i), z, z, z));
        acc = std::fma(static_cast<float>(sum), f16(x[i].d) * f16(y[i].d), acc);
    }
    return acc;
}

}  // namespace

RowDot block32_dot(TensorType type) {
    switch (type) {
        case TensorType::Q4_1: return dot_q4_1;
        case TensorType::Q5_0: return dot_q5_0;
        case TensorType::Q5_1: return dot_q5_1;
        case TensorType::IQ4_NL: return dot_iq4_nl;
        default: return nullptr;
    }
}

}  // namespace chord::avx512
