// AVX-512 F32 / F16 / BF16 dots with widened activations.
//
// Every (row, token) dot uses ggml's AVX-512 F16 order, which the scalar F16 reference reproduces
// (quant/float_formats.cpp): 4 accumulators of 16 lanes, one fused multiply-add each per 64 elements,
// the fixed reduction (a0+a2)+(a1+a3) → 8 → 4 → 2 → 1 lanes, then the tail added in double. For F16
// this is bit-identical to the reference; F32 and BF16 references sum in double, so those differ by
// float rounding only. Tiles of up to 2 rows × 3 tokens reuse each weight load for 3 tokens.
#include "kernels/x86_intrinsics.h"

#include "kernels/avx512/avx512_kernels.h"
#include "model/weights.h"
#include "quant/quant.h"

namespace chord::avx512 {

namespace {

struct F32W {
    using Elem = float;
    static __m512 load(const float* p) { return _mm512_loadu_ps(p); }
    static float one(const float* p) { return *p; }
};
struct F16W {
    using Elem = uint16_t;
    static __m512 load(const uint16_t* p) { return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p))); }
    static float one(const uint16_t* p) { return _cvtsh_ss(*p); }
};
struct BF16W {
    using Elem = uint16_t;
    static __m512 load(const uint16_t* p) {
        const __m512i wide = _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
        return _mm512_castsi512_ps(_mm512_slli_epi32(wide, 16));
    }
    static float one(const uint16_t* p) {
        const uint32_t bits = static_cast<uint32_t>(*p) << 16;
        float f;
        __builtin_memcpy(&f, &bits, 4);
        return f;
    }
};

// ggml's reduction of the 4 accumulators (see the file comment).
float reduce4(const __m512 acc[4]) {
    const __m512 v = _mm512_add_ps(_mm512_add_ps(acc[0], acc[2]), _mm512_add_ps(acc[1], acc[3]));
    const __m256 h8 = _mm256_add_ps(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)),
                                    _mm512_castps512_ps256(v));
    const __m128 h4 = _mm_add_ps(_mm256_extractf128_ps(h8, 1), _mm256_castps256_ps128(h8));
    const __m128 h2 = _mm_add_ps(h4, _mm_movehl_ps(h4, h4));  // [h4[0]+h4[2], h4[1]+h4[3], …]
    return _mm_cvtss_f32(_mm_add_ss(h2, _mm_movehdup_ps(h2)));
}

template <typename W, int R, int T>
void tile(const typename W::Elem* const* wrows, const float* const* acts, int64_t n, float out[R][T]) {
    __m512 acc[R][T][4];
    for (int r = 0; r < R; ++r)
        for (int t = 0; t < T; ++t)
            for (int j = 0; j < 4; ++j) acc[r][t][j] = _mm512_setzero_ps();
    const int64_t n64 = n / 64 * 64;
    for (int64_t i = 0; i < n64; i += 64) {
#pragma GCC unroll 4
        for (int j = 0; j < 4; ++j) {
            __m512 wv[R];
            for (int r = 0; r < R; ++r) wv[r] = W::load(wrows[r] + i + 16 * j);
#pragma GCC unroll 3
            for (int t = 0; t < T; ++t) {
                const __m512 av = _mm512_loadu_ps(acts[t] + i + 16 * j);
                for (int r = 0; r < R; ++r) acc[r][t][j] = _mm512_fmadd_ps(wv[r], av, acc[r][t][j]);
            }
        }
    }
    for (int r = 0; r < R; ++r)
        for (int t = 0; t < T; ++t) {
            double sum = static_cast<double>(reduce4(acc[r][t]));
            for (int64_t i = n64; i < n; ++i)
                sum += static_cast<double>(W::one(wrows[r] + i) * acts[t][i]);
            out[r][t] = static_cast<float>(sum);
        }
}

template <typename W, int R, int T>
void run_tile(const WeightMatrix& w, int64_t r, int64_t t, const float* act, float* y) {
    using Elem = typename W::Elem;
    const Elem* rows[R];
    const float* acts[T];
    for (int i = 0; i < R; ++i) rows[i] = reinterpret_cast<const Elem*>(w.data + static_cast<size_t>(r + i) * w.row_bytes);
    for (int j = 0; j < T; ++j) acts[j] = act + (t + j) * w.n_in;
    float out[R][T];
    tile<W, R, T>(rows, acts, w.n_in, out);
    for (int i = 0; i < R; ++i)
        for (int j = 0; j < T; ++j) y[(t + j) * w.n_out + r + i] = out[i][j];
}

template <typename W, int T>
void rows_for_tokens(const WeightMatrix& w, int64_t row0, int64_t row1, int64_t t, const float* act, float* y) {
    int64_t r = row0;
    for (; r + 2 <= row1; r += 2) run_tile<W, 2, T>(w, r, t, act, y);
    if (r < row1) run_tile<W, 1, T>(w, r, t, act, y);
}

template <typename W>
void gemm(const WeightMatrix& w, int64_t row0, int64_t row1, const float* act, int64_t n_tokens, float* y) {
    int64_t t = 0;
    for (; t + 3 <= n_tokens; t += 3) rows_for_tokens<W, 3>(w, row0, row1, t, act, y);
    for (; t < n_tokens; ++t) rows_for_tokens<W, 1>(w, row0, row1, t, act, y);
}

}  // namespace

void gemm_float(const WeightMatrix& w, int64_t row0, int64_t row1, const float* act, int64_t n_tokens, float* y) {
    switch (w.type) {
        case TensorType::F16: gemm<F16W>(w, row0, row1, act, n_tokens, y); break;
        case TensorType::BF16: gemm<BF16W>(w, row0, row1, act, n_tokens, y); break;
        default: gemm<F32W>(w, row0, row1, act, n_tokens, y); break;
    }
}

}  // namespace chord::avx512
