// Activations to Q8_K rows (the vec_dot type of the K-quants and IQ4_XS) with AVX2, byte for byte as
// quant/q8_k.cpp's scalar quantize_q8_k: the value of largest magnitude (the first one, if several) maps
// to −127, q = min(127, round-half-even(iscale·x)) with iscale = −127/max, bsums per 16, d = 1/iscale.
#include "kernels/x86_intrinsics.h"

#include <cstring>

#include "kernels/avx2/avx2_kernels.h"
#include "kernels/avx2/lanes_avx2.h"
#include "quant/blocks_k.h"

namespace chord::avx2 {

namespace {

float hmax8(__m256 v) {
    __m128 r = _mm_max_ps(_mm256_extractf128_ps(v, 1), _mm256_castps256_ps128(v));
    r = _mm_max_ps(r, _mm_movehl_ps(r, r));
    r = _mm_max_ss(r, _mm_movehdup_ps(r));
    return _mm_cvtss_f32(r);
}

void quantize_block(const float* v, BlockQ8_K& b) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    __m256 amax = _mm256_setzero_ps();
    for (int c = 0; c < kQK_K / 8; ++c) amax = _mm256_max_ps(_mm256_andnot_ps(sign, _mm256_loadu_ps(v + 8 * c)), amax);
    const float m = hmax8(amax);
    if (m == 0.0f) {
        std::memset(&b, 0, sizeof b);
        return;
    }
    // The first element whose magnitude is the largest decides the sign.
    int first = 0;
    for (int c = 0; c < kQK_K / 8; ++c) {
        const int hit = _mm256_movemask_ps(
            _mm256_cmp_ps(_mm256_andnot_ps(sign, _mm256_loadu_ps(v + 8 * c)), _mm256_set1_ps(m), _CMP_EQ_OQ));
        if (hit) {
            first = 8 * c + __builtin_ctz(static_cast<unsigned>(hit));
            break;
        }
    }
    const float iscale = -127.0f / v[first];
    const __m256 scale = _mm256_set1_ps(iscale);
    const __m256i top = _mm256_set1_epi32(127);
    for (int c = 0; c < kQK_K / 32; ++c) {  // 32 elements: two bsums groups
        __m256i q[4];
        for (int k = 0; k < 4; ++k)  // the default rounding mode is round-half-even, as the scalar nearest_int
            q[k] = _mm256_min_epi32(_mm256_cvtps_epi32(_mm256_mul_ps(scale, _mm256_loadu_ps(v + 32 * c + 8 * k))), top);
        // Packs interleave 128-bit lanes; the permute puts the 32 bytes back in element order.
        const __m256i bytes = _mm256_packs_epi16(_mm256_packs_epi32(q[0], q[1]), _mm256_packs_epi32(q[2], q[3]));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(b.qs + 32 * c),
                            _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7)));
        b.bsums[2 * c] = static_cast<int16_t>(hsum_i32(_mm256_add_epi32(q[0], q[1])));
        b.bsums[2 * c + 1] = static_cast<int16_t>(hsum_i32(_mm256_add_epi32(q[2], q[3])));
    }
    b.d = 1.0f / iscale;
}

}  // namespace

void convert_q8_k(const float* x, int64_t n_in, int64_t t0, int64_t t1, uint8_t* act) {
    const int64_t nb = n_in / kQK_K;
    for (int64_t t = t0; t < t1; ++t) {
        auto* row = reinterpret_cast<BlockQ8_K*>(act + static_cast<size_t>(t * nb) * sizeof(BlockQ8_K));
        for (int64_t i = 0; i < nb; ++i) quantize_block(x + t * n_in + i * kQK_K, row[i]);
    }
}

}  // namespace chord::avx2
