#pragma once
// Small AVX2 helpers of the row-dot kernels (k_quant_avx2.cpp, block32_avx2.cpp). Internal linkage: this
// folder alone is compiled with AVX2 flags.
#include "kernels/x86_intrinsics.h"

#include <cstdint>

namespace chord::avx2 {
namespace {

inline float f16(uint16_t h) { return _cvtsh_ss(h); }

inline __m256i load(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }

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

// The horizontal sums of four int32x8 vectors, in order.
inline __m128i hsum_i32_x4(__m256i a, __m256i b, __m256i c, __m256i d) {
    const __m256i h = _mm256_hadd_epi32(_mm256_hadd_epi32(a, b), _mm256_hadd_epi32(c, d));
    return _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
}

}  // namespace
}  // namespace chord::avx2
