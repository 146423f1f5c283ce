#pragma once
// exp(x) on 16 floats, within about 1 ulp of std::exp (x < −104 gives 0, large x +inf).
// x = n·ln2 + r with |r| ≤ ln2/2 (ln2 split in two parts so r is exact to float precision), e^r by its
// Taylor series to r⁷ (truncation < 6e-9), then scaled by 2^n.
#include "kernels/x86_intrinsics.h"

namespace chord::avx512 {
namespace {

[[maybe_unused]] __m512 exp16(__m512 x) {
    const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                          _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693145751953125f), x);  // ln2 high part (exact in n·hi)
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(1.428606765330187045e-06f), r);  // ln2 low part
    __m512 p = _mm512_set1_ps(1.0f / 5040.0f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 720.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 120.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 24.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 6.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.5f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    // p·2^n with IEEE overflow to +inf and gradual underflow (vscalefps); below −104 every float
    // result is 0 (and −inf would make r NaN).
    __m512 result = _mm512_scalef_ps(p, n);
    result = _mm512_mask_mov_ps(result, _mm512_cmp_ps_mask(x, _mm512_set1_ps(-104.0f), _CMP_LT_OQ), _mm512_setzero_ps());
    return result;
}

}  // namespace
}  // namespace chord::avx512
