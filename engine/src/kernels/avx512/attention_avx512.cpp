// AVX-512 attention inner loops (the contract is in attention/attention_kernels.h): f32 products and
// sums, F16 widened exactly; 16 lanes per step, tails with masked loads. The F16-cache loops (the
// product default) use fused multiply-adds; the F32-cache ones (q·k, the softmax sum, P·V) reproduce
// llama.cpp's AVX-512 order bit for bit (see dot_f32, exp_shifted, weighted_sum_f32).
// exact_float.h first: dot_f32's whole 16- and 8-element chunks round each product, as llama.cpp's
// build does. Left to GCC (fusion is its default, even in ISO C++ mode) whether they were fused
// depended on the build: the sanitizer build fused them and missed llama.cpp's logits by 0.008.
#include "quant/exact_float.h"

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

// 16 lanes → 1 as GCC's _mm512_reduce_add_ps: halves added 16 → 8 → 4, then lanes (0+2)+(1+3).
float reduce16(__m512 v) {
    const __m256 h8 = _mm256_add_ps(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)),
                                    _mm512_castps512_ps256(v));
    const __m128 h4 = _mm_add_ps(_mm256_extractf128_ps(h8, 1), _mm256_castps256_ps128(h8));
    const __m128 h2 = _mm_add_ps(h4, _mm_movehl_ps(h4, h4));
    return _mm_cvtss_f32(_mm_add_ss(h2, _mm_movehdup_ps(h2)));
}

// The F32 cache is the reference-test configuration: q·k in ggml_vec_dot_f32's order as llama.cpp's
// AVX-512 build computes it (4 registers of fused multiply-adds per 64 elements, reduced
// (r0 + r2) + (r1 + r3) → 1; the rest added in float: rounded products for whole 16- and 8-element
// chunks, fused multiply-adds for the last < 8, as GCC compiled that tail loop).
float dot_f32(const float* a, const float* b, int n) {
    const int n64 = n / 64 * 64;
    float sum = 0.0f;
    if (n64 > 0) {
        __m512 acc[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps()};
        for (int i = 0; i < n64; i += 64)
            for (int r = 0; r < 4; ++r)
                acc[r] = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 16 * r), _mm512_loadu_ps(b + i + 16 * r), acc[r]);
        sum = reduce16(_mm512_add_ps(_mm512_add_ps(acc[0], acc[2]), _mm512_add_ps(acc[1], acc[3])));
    }
    int i = n64;
    for (; i + 16 <= n; i += 16)
        for (int j = i; j < i + 16; ++j) sum += a[j] * b[j];
    if (i + 8 <= n) {
        for (int j = i; j < i + 8; ++j) sum += a[j] * b[j];
        i += 8;
    }
    for (; i < n; ++i) sum = __builtin_fmaf(a[i], b[i], sum);
    return sum;
}

// See AttentionKernels::weighted_sum_f32. 16 dims at a time, their partial sums per key index mod lanes
// in one stack block (no heap: this folder's code must not instantiate std containers).
void weighted_sum_f32(float* out, const float* p, const float* v, int64_t v_stride, int n, int head_dim, int lanes) {
    alignas(64) float partial[64][16];  // [key mod lanes][dim]
    for (int d0 = 0; d0 < head_dim; d0 += 16) {
        const __mmask16 m = head_dim - d0 >= 16 ? static_cast<__mmask16>(0xFFFF) : tail_mask(head_dim - d0);
        for (int l = 0; l < lanes; ++l) _mm512_store_ps(partial[l], _mm512_setzero_ps());
        for (int j = 0; j < n; ++j) {
            if (p[j] == 0.0f) continue;
            float* acc = partial[j % lanes];
            _mm512_store_ps(acc, _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, v + j * v_stride + d0), _mm512_set1_ps(p[j]),
                                                 _mm512_load_ps(acc)));
        }
        for (int d = 0; d < 16 && d0 + d < head_dim; ++d) {
            alignas(64) float l16[16];
            for (int l = 0; l < 16; ++l)
                l16[l] = lanes == 64 ? (partial[l][d] + partial[l + 32][d]) + (partial[l + 16][d] + partial[l + 48][d])
                                     : partial[l][d];
            out[d0 + d] = reduce16(_mm512_load_ps(l16));
        }
    }
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

// As ggml_vec_soft_max_f32: each 16-score block is summed in float (reduce16), then added in double.
double exp_shifted(float* s, int n, float max) {
    const __m512 mv = _mm512_set1_ps(max);
    double sum = 0.0;
    for (int i = 0; i < n; i += 16) {
        const __mmask16 m = n - i >= 16 ? static_cast<__mmask16>(0xFFFF) : tail_mask(n - i);
        const __m512 e = _mm512_maskz_mov_ps(m, avx512::exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, s + i), mv)));
        _mm512_mask_storeu_ps(s + i, m, e);
        sum += static_cast<double>(reduce16(e));
    }
    return sum;
}

// dot_f32_f16 for several keys; head dims up to 64 keep the query in registers. Per key the same
// operations in the same order as dot_f32_f16 (two accumulators over 32-element steps, tail into acc0).
void dot_rows_f16(const float* q, const uint16_t* const* rows, int n_rows, int n, float* out) {
    if (n != 64) {
        for (int j = 0; j < n_rows; ++j) out[j] = dot_f32_f16(q, rows[j], n);
        return;
    }
    const __m512 q0 = _mm512_loadu_ps(q), q1 = _mm512_loadu_ps(q + 16), q2 = _mm512_loadu_ps(q + 32),
                 q3 = _mm512_loadu_ps(q + 48);
    for (int j = 0; j < n_rows; ++j) {
        const uint16_t* b = rows[j];
        __m512 acc0 = _mm512_fmadd_ps(q0, load_f16(b), _mm512_setzero_ps());
        __m512 acc1 = _mm512_fmadd_ps(q1, load_f16(b + 16), _mm512_setzero_ps());
        acc0 = _mm512_fmadd_ps(q2, load_f16(b + 32), acc0);
        acc1 = _mm512_fmadd_ps(q3, load_f16(b + 48), acc1);
        out[j] = _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
    }
}

// axpy_f16 for several keys with the accumulator in registers (head dims up to 64): every element still
// gets acc = fma(p[j], v_j, acc) key after key, as repeated axpy_f16 calls.
void axpy_rows_f16(float* acc, const float* p, const uint16_t* const* rows, int n_rows, int n) {
    if (n != 64) {
        for (int j = 0; j < n_rows; ++j)
            if (p[j] != 0.0f) axpy_f16(acc, p[j], rows[j], n);
        return;
    }
    __m512 a0 = _mm512_loadu_ps(acc), a1 = _mm512_loadu_ps(acc + 16), a2 = _mm512_loadu_ps(acc + 32),
           a3 = _mm512_loadu_ps(acc + 48);
    for (int j = 0; j < n_rows; ++j) {
        if (p[j] == 0.0f) continue;
        const __m512 pv = _mm512_set1_ps(p[j]);
        const uint16_t* v = rows[j];
        a0 = _mm512_fmadd_ps(pv, load_f16(v), a0);
        a1 = _mm512_fmadd_ps(pv, load_f16(v + 16), a1);
        a2 = _mm512_fmadd_ps(pv, load_f16(v + 32), a2);
        a3 = _mm512_fmadd_ps(pv, load_f16(v + 48), a3);
    }
    _mm512_storeu_ps(acc, a0);
    _mm512_storeu_ps(acc + 16, a1);
    _mm512_storeu_ps(acc + 32, a2);
    _mm512_storeu_ps(acc + 48, a3);
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
                              .exp_shifted = exp_shifted,
                              .weighted_sum_f32 = weighted_sum_f32,
                              .dot_rows_f16 = dot_rows_f16,
                              .axpy_rows_f16 = axpy_rows_f16};

}  // namespace

const AttentionKernels* avx512_attention_kernels() { return &kTable; }

}  // namespace chord
