// AVX2 attention inner loops (the contract is in attention/attention_kernels.h): f32 products and
// sums, F16 widened exactly (F16C); 8 lanes per step, scalar tails. The F16-cache loops (the product
// default) use fused multiply-adds; the F32-cache ones reproduce the scalar table (see dot_f32).
#include "quant/exact_float.h"  // first: see dot_f32

#include "attention/attention_kernels.h"
#include "kernels/attention_tables.h"
#include "kernels/avx2/exp_avx2.h"
#include "kernels/x86_intrinsics.h"

namespace chord {

namespace {

__m256 load_f16(const uint16_t* p) { return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))); }
float f16(uint16_t h) { return _cvtsh_ss(h); }

float hsum(__m256 v) {
    const __m128 s = _mm_add_ps(_mm256_extractf128_ps(v, 1), _mm256_castps256_ps128(v));
    const __m128 t = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(t, _mm_movehdup_ps(t)));
}

// The F32 cache is the reference-test configuration: q·k keeps the scalar table's order (a plain
// running sum of rounded products: exact_float.h stops GCC fusing them, which it does even in ISO C++
// mode) and the weighted add below multiplies and adds separately, so F32-cache results equal the
// scalar table's bit for bit.
float dot_f32(const float* a, const float* b, int n) {
    float sum = 0.0f;
    for (int i = 0; i < n; ++i) sum += a[i] * b[i];
    return sum;
}

float dot_f32_f16(const float* a, const uint16_t* b, int n) {
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    int i = 0;
    for (; i + 16 <= n; i += 16) {
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), load_f16(b + i), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), load_f16(b + i + 8), acc1);
    }
    for (; i + 8 <= n; i += 8) acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), load_f16(b + i), acc0);
    float sum = hsum(_mm256_add_ps(acc0, acc1));
    for (; i < n; ++i) sum += a[i] * f16(b[i]);
    return sum;
}

void axpy_f32(float* y, float a, const float* x, int n) {
    const __m256 av = _mm256_set1_ps(a);
    int i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(y + i, _mm256_add_ps(_mm256_loadu_ps(y + i), _mm256_mul_ps(av, _mm256_loadu_ps(x + i))));
    for (; i < n; ++i) y[i] += a * x[i];
}

void axpy_f16(float* y, float a, const uint16_t* x, int n) {
    const __m256 av = _mm256_set1_ps(a);
    int i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_fmadd_ps(av, load_f16(x + i), _mm256_loadu_ps(y + i)));
    for (; i < n; ++i) y[i] += a * f16(x[i]);
}

void scale_f32(float* y, float a, int n) {
    const __m256 av = _mm256_set1_ps(a);
    int i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_mul_ps(av, _mm256_loadu_ps(y + i)));
    for (; i < n; ++i) y[i] *= a;
}

void f16_to_f32(const uint16_t* src, float* dst, int n) {
    int i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(dst + i, load_f16(src + i));
    for (; i < n; ++i) dst[i] = f16(src[i]);
}

void round_through_f16(const float* src, float* dst, int n) {
    int i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm256_cvtps_ph(_mm256_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT)));
    for (; i < n; ++i) dst[i] = _cvtsh_ss(_cvtss_sh(src[i], _MM_FROUND_TO_NEAREST_INT));
}

// Σ in double, as ggml's softmax.
double exp_shifted(float* s, int n, float max) {
    const __m256 mv = _mm256_set1_ps(max);
    __m256d sum = _mm256_setzero_pd();
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 e = avx2::exp8(_mm256_sub_ps(_mm256_loadu_ps(s + i), mv));
        _mm256_storeu_ps(s + i, e);
        sum = _mm256_add_pd(sum, _mm256_cvtps_pd(_mm256_castps256_ps128(e)));
        sum = _mm256_add_pd(sum, _mm256_cvtps_pd(_mm256_extractf128_ps(e, 1)));
    }
    alignas(32) double lanes[4];
    _mm256_store_pd(lanes, sum);
    double total = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
    if (i < n) {
        alignas(32) float tail[8] = {};
        for (int j = i; j < n; ++j) tail[j - i] = s[j];
        const __m256 e = avx2::exp8(_mm256_sub_ps(_mm256_load_ps(tail), mv));
        _mm256_store_ps(tail, e);
        for (int j = i; j < n; ++j) total += static_cast<double>(s[j] = tail[j - i]);
    }
    return total;
}

// Aggregate-initialised constant: no constructor code compiled with this folder's flags.
const AttentionKernels kTable{.name = "AVX2",
                              .dot_f32 = dot_f32,
                              .dot_f32_f16 = dot_f32_f16,
                              .axpy_f32 = axpy_f32,
                              .axpy_f16 = axpy_f16,
                              .scale_f32 = scale_f32,
                              .f16_to_f32 = f16_to_f32,
                              .round_through_f16 = round_through_f16,
                              .exp_shifted = exp_shifted,
                              .weighted_sum_f32 = weighted_sum_f32_reference};

}  // namespace

const AttentionKernels* avx2_attention_kernels() { return &kTable; }

}  // namespace chord
