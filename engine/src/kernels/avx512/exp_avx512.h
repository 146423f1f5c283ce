#pragma once
// exp(x) on 16 floats with the arithmetic of ggml's AVX-512 ggml_v_expf (softmax, SiLU), bit for bit, so
// that attention weights and SwiGLU match llama.cpp's CPU backend exactly; within about 1.5 ulp of
// std::exp. x = n·ln2 + b: n = round(x·log2 e) by the 1.5·2^23 shift, b from ln2 split in two parts;
// e^b by a degree-5 minimax polynomial evaluated as (c4·b + c3)·b²·b² + (c2·b + c1)·b² + (c0·b + 1)
// (written Estrin-style, as ggml does); then ·2^n. Where |n| > 192 the result is +inf (n > 0) or 0.
#include "kernels/x86_intrinsics.h"

namespace chord::avx512 {
namespace {

[[maybe_unused]] __m512 exp16(__m512 x) {
    const __m512 shift = _mm512_set1_ps(0x1.8p23f);
    const __m512 z = _mm512_fmadd_ps(x, _mm512_set1_ps(0x1.715476p+0f), shift);
    const __m512 n = _mm512_sub_ps(z, shift);
    const __m512 b = _mm512_fnmadd_ps(n, _mm512_set1_ps(0x1.7f7d1cp-20f),
                                      _mm512_fnmadd_ps(n, _mm512_set1_ps(0x1.62e4p-1f), x));
    const __m512 b2 = _mm512_mul_ps(b, b);
    const __m512 hi = _mm512_fmadd_ps(_mm512_set1_ps(0x1.0e4020p-7f), b, _mm512_set1_ps(0x1.573e2ep-5f));
    const __m512 mid = _mm512_fmadd_ps(_mm512_set1_ps(0x1.555e66p-3f), b, _mm512_set1_ps(0x1.fffdb6p-2f));
    const __m512 lo = _mm512_fmadd_ps(_mm512_set1_ps(0x1.ffffecp-1f), b, _mm512_set1_ps(1.0f));
    const __m512 poly = _mm512_fmadd_ps(_mm512_fmadd_ps(hi, b2, mid), b2, lo);
    const __m512 result = _mm512_scalef_ps(poly, n);
    const __mmask16 huge = _mm512_cmp_ps_mask(_mm512_abs_ps(n), _mm512_set1_ps(192.0f), _CMP_GT_OQ);
    if (huge == 0) return result;
    const __m512 limit = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(n, _mm512_setzero_ps(), _CMP_LE_OQ),
                                              _mm512_set1_ps(__builtin_inff()), _mm512_setzero_ps());
    return _mm512_mask_blend_ps(huge, result, limit);
}

}  // namespace
}  // namespace chord::avx512
