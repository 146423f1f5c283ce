// AVX-512 attention inner loops (the contract is in attention/attention_kernels.h): f32 products and
// sums, F16 widened exactly; 16 lanes per step, tails with masked loads. The F16-cache loops (the
// product default) use fused multiply-adds; the F32-cache ones reproduce the scalar table (see dot_f32).
#include "attention/attention_kernels.h"
#include "kernels/attention_tables.h"
#include "kernels/avx512/exp_avx512.h"
#include "kernels/x86_intrinsics.h"

namespace chord {

namespace {

__mmask16 tail_mask(int n) { return static_cast<__mmask16>((1u << n) - 1u); }

__m512 load_f16(const uint16_t* p) { return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p))); }
__m512 load_f16_tail(const uint16_t* p, int n) {
    return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(tail_mask(n), p));
}

// The F32 cache is the reference-test configuration: q·k keeps the scalar table's order (a plain
// running sum; ISO C++ mode, so no fused multiply-add) and the weighted add below multiplies and adds
// separately, so F32-cache results equal the scalar table's bit for bit.
float dot_f32(const float* a, const float* b, int n) {
    float sum = 0.0f;
    for (int i = 0; i < n; ++i) sum += a[i] * b[i];
    return sum;
}

float dot_f32_f16(const float* a, const uint16_t* b, int n) {
    __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
    int i = 0;
    for (; i + 32 <= n; i += 32) {
        acc0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), load_f16(b + i), acc0);
        acc1 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 16), load_f16(b + i + 16), acc1);
    }
    for (; i < n; i += 16) {
        const int left = n - i < 16 ? n - i : 16;
        acc0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail_mask(left), a + i), load_f16_tail(b + i, left), acc0);
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
}

void axpy_f32(float* y, float a, const float* x, int n) {
    const __m512 av = _mm512_set1_ps(a);
    int i = 0;
    for (; i + 16 <= n; i += 16)
        _mm512_storeu_ps(y + i, _mm512_add_ps(_mm512_loadu_ps(y + i), _mm512_mul_ps(av, _mm512_loadu_ps(x + i))));
    if (i < n) {
        const __mmask16 m = tail_mask(n - i);
        _mm512_mask_storeu_ps(y + i, m,
                              _mm512_add_ps(_mm512_maskz_loadu_ps(m, y + i), _mm512_mul_ps(av, _mm512_maskz_loadu_ps(m, x + i))));
    }
}

void axpy_f16(float* y, float a, const uint16_t* x, int n) {
    const __m512 av = _mm512_set1_ps(a);
    int i = 0;
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, _mm512_fmadd_ps(av, load_f16(x + i), _mm512_loadu_ps(y + i)));
    if (i < n) {
        const __mmask16 m = tail_mask(n - i);
        _mm512_mask_storeu_ps(y + i, m, _mm512_fmadd_ps(av, load_f16_tail(x + i, n - i), _mm512_maskz_loadu_ps(m, y + i)));
    }
}

void scale_f32(float* y, float a, int n) {
    const __m512 av = _mm512_set1_ps(a);
    int i = 0;
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, _mm512_mul_ps(av, _mm512_loadu_ps(y + i)));
    if (i < n) {
        const __mmask16 m = tail_mask(n - i);
        _mm512_mask_storeu_ps(y + i, m, _mm512_mul_ps(av, _mm512_maskz_loadu_ps(m, y + i)));
    }
}

void f16_to_f32(const uint16_t* src, float* dst, int n) {
    int i = 0;
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(dst + i, load_f16(src + i));
    if (i < n) _mm512_mask_storeu_ps(dst + i, tail_mask(n - i), load_f16_tail(src + i, n - i));
}

void round_through_f16(const float* src, float* dst, int n) {
    constexpr int kRound = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;
    int i = 0;
    for (; i + 16 <= n; i += 16)
        _mm512_storeu_ps(dst + i, _mm512_cvtph_ps(_mm512_cvtps_ph(_mm512_loadu_ps(src + i), kRound)));
    if (i < n) {
        const __mmask16 m = tail_mask(n - i);
        _mm512_mask_storeu_ps(dst + i, m, _mm512_cvtph_ps(_mm512_cvtps_ph(_mm512_maskz_loadu_ps(m, src + i), kRound)));
    }
}

// Σ in double, as ggml's softmax: each 16-lane block is widened to two 8-lane double vectors.
double exp_shifted(float* s, int n, float max) {
    const __m512 mv = _mm512_set1_ps(max);
    __m512d sum = _mm512_setzero_pd();
    int i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m512 e = avx512::exp16(_mm512_sub_ps(_mm512_loadu_ps(s + i), mv));
        _mm512_storeu_ps(s + i, e);
        sum = _mm512_add_pd(sum, _mm512_cvtps_pd(_mm512_castps512_ps256(e)));
        sum = _mm512_add_pd(sum, _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(e), 1))));
    }
    if (i < n) {
        const __mmask16 m = tail_mask(n - i);
        const __m512 e = _mm512_maskz_mov_ps(m, avx512::exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, s + i), mv)));
        _mm512_mask_storeu_ps(s + i, m, e);
        sum = _mm512_add_pd(sum, _mm512_cvtps_pd(_mm512_castps512_ps256(e)));
        sum = _mm512_add_pd(sum, _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(e), 1))));
    }
    return _mm512_reduce_add_pd(sum);
}

// Aggregate-initialised constant: no constructor code compiled with this folder's flags.
const AttentionKernels kTable{.name = "AVX-512",
                              .dot_f32 = dot_f32,
                              .dot_f32_f16 = dot_f32_f16,
                              .axpy_f32 = axpy_f32,
                              .axpy_f16 = axpy_f16,
                              .scale_f32 = scale_f32,
                              .f16_to_f32 = f16_to_f32,
                              .round_through_f16 = round_through_f16,
                              .exp_shifted = exp_shifted};

}  // namespace

const AttentionKernels* avx512_attention_kernels() { return &kTable; }

}  // namespace chord
