#pragma once
// Small helpers of the AVX-512 row-dot kernels (k_quant_avx512.cpp, block32_avx512.cpp). Internal linkage:
// this folder alone is compiled with AVX-512 flags.
#include "kernels/x86_intrinsics.h"

#include <cstdint>
#include <cstring>

namespace chord::avx512 {
namespace {

inline float f16(uint16_t h) { return _cvtsh_ss(h); }

inline __m256i load256(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }

// Horizontal sum as ggml's hsum_float_8 (quant/x86_lanes.h).
inline float hsum8(__m256 v) {
    __m128 r = _mm_add_ps(_mm256_extractf128_ps(v, 1), _mm256_castps256_ps128(v));
    r = _mm_add_ps(r, _mm_movehl_ps(r, r));
    r = _mm_add_ss(r, _mm_movehdup_ps(r));
    return _mm_cvtss_f32(r);
}

inline int32_t hsum_i32(__m256i v) {
    __m128i r = _mm_add_epi32(_mm256_extracti128_si256(v, 1), _mm256_castsi256_si128(v));
    r = _mm_add_epi32(r, _mm_shuffle_epi32(r, _MM_SHUFFLE(1, 0, 3, 2)));
    r = _mm_add_epi32(r, _mm_shuffle_epi32(r, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm_cvtsi128_si32(r);
}

// The x86 float steps: 8 lanes scaled by d into fused running sums, reduced as hsum_float_8.
struct X86Lanes8 {
    __m256 v = _mm256_setzero_ps();
    void add(float d, __m256i lanes) { v = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(lanes), v); }
    float sum() const { return hsum8(v); }
};

// The eight IQ4_XS sub-block scales minus 32 (k_quant_scales.h's iq4_xs_scale) as int16 lanes 0-7 of a
// 512-bit register (the rest zero), decoded in registers.
inline __m512i iq4_xs_scales16(uint16_t scales_h, const uint8_t* scales_l) {
    int32_t l;
    std::memcpy(&l, scales_l, 4);
    // Lane s: byte s/2 of scales_l, then its nibble s%2; bits 2s…2s+1 of scales_h.
    const __m128i bytes = _mm_cvtepu8_epi16(_mm_shuffle_epi8(_mm_cvtsi32_si128(l), _mm_setr_epi8(0, 0, 1, 1, 2, 2, 3, 3, -1, -1, -1, -1, -1, -1, -1, -1)));
    const __m128i low = _mm_and_si128(_mm_srlv_epi16(bytes, _mm_setr_epi16(0, 4, 0, 4, 0, 4, 0, 4)), _mm_set1_epi16(0xF));
    const __m128i high = _mm_and_si128(_mm_srlv_epi16(_mm_set1_epi16(static_cast<int16_t>(scales_h)), _mm_setr_epi16(0, 2, 4, 6, 8, 10, 12, 14)),
                                       _mm_set1_epi16(3));
    return _mm512_zextsi128_si512(_mm_sub_epi16(_mm_or_si128(low, _mm_slli_epi16(high, 4)), _mm_set1_epi16(32)));
}

// The horizontal sums of four int32x8 vectors, in order.
inline __m128i hsum_i32_x4(__m256i a, __m256i b, __m256i c, __m256i d) {
    const __m256i h = _mm256_hadd_epi32(_mm256_hadd_epi32(a, b), _mm256_hadd_epi32(c, d));
    return _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
}

}  // namespace
}  // namespace chord::avx512
