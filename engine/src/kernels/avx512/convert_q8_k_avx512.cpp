// Activations to Q8_K rows (the vec_dot type of the K-quants and IQ4_XS) with AVX-512, byte for byte as
// quant/q8_k.cpp's scalar quantize_q8_k: the value of largest magnitude (the first one, if several) maps
// to −127, q = min(127, round-half-even(iscale·x)) with iscale = −127/max, bsums per 16, d = 1/iscale.
#include "kernels/x86_intrinsics.h"

#include <cstring>

#include "kernels/avx512/avx512_kernels.h"
#include "quant/blocks_k.h"

namespace chord::avx512 {

namespace {

void quantize_block(const float* v, BlockQ8_K& b) {
    const __m512 sign = _mm512_set1_ps(-0.0f);
    __m512 amax = _mm512_setzero_ps();
    for (int c = 0; c < kQK_K / 16; ++c) amax = _mm512_max_ps(_mm512_andnot_ps(sign, _mm512_loadu_ps(v + 16 * c)), amax);
    const float m = _mm512_reduce_max_ps(amax);
    if (m == 0.0f) {
        std::memset(&b, 0, sizeof b);
        return;
    }
    // The first element whose magnitude is the largest decides the sign.
    int first = 0;
    for (int c = 0; c < kQK_K / 16; ++c) {
        const __mmask16 hit =
            _mm512_cmp_ps_mask(_mm512_andnot_ps(sign, _mm512_loadu_ps(v + 16 * c)), _mm512_set1_ps(m), _CMP_EQ_OQ);
        if (hit) {
            first = 16 * c + __builtin_ctz(hit);
            break;
        }
    }
    const float iscale = -127.0f / v[first];
    const __m512 scale = _mm512_set1_ps(iscale);
    const __m512i top = _mm512_set1_epi32(127);
    for (int c = 0; c < kQK_K / 16; ++c) {
        // The default rounding mode is round-half-even, as the scalar nearest_int.
        const __m512i q = _mm512_min_epi32(_mm512_cvtps_epi32(_mm512_mul_ps(scale, _mm512_loadu_ps(v + 16 * c))), top);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(b.qs + 16 * c), _mm512_cvtsepi32_epi8(q));
        b.bsums[c] = static_cast<int16_t>(_mm512_reduce_add_epi32(q));
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

}  // namespace chord::avx512
