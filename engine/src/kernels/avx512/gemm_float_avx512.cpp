// AVX-512 F32 / F16 / BF16 dots with widened activations, in the summation order of llama.cpp's CPU
// backend on an AVX-512 machine (what the references were made with), so that results are bit-identical:
//  - one token (decode), or shapes tinyBLAS refuses: ggml_vec_dot_f32/f16's order, 4 accumulators of 16
//    lanes, one fused multiply-add each per 64 elements, the fixed reduction (a0+a2)+(a1+a3) → 8 → 4 → 2 → 1
//    lanes, then the tail: F16 (and BF16, whose references sum in double) adds each product in double; F32
//    adds it in float the way GCC compiled ggml's tail loop (rounded products for whole 16- and 8-element
//    chunks, fused multiply-adds for the last < 8);
//  - a batch of 2 or more tokens with n_in % 16 == 0 and n_out % 4 == 0 (F32 and F16 only): llamafile's
//    tinyBLAS, which ggml tries first: one 16-lane accumulator per output, one fused multiply-add per 16
//    elements, then the same 16 → 1 reduction.
// Tiles of up to 2 rows × 3 tokens reuse each weight load for 3 tokens.
#include <type_traits>

#include "kernels/x86_intrinsics.h"

#include "kernels/avx512/avx512_kernels.h"
#include "model/weights.h"
#include "quant/quant.h"

namespace chord::avx512 {

namespace {

struct F32W {
    using Elem = float;
    static constexpr bool kFloatTail = true;
    static __m512 load(const float* p) { return _mm512_loadu_ps(p); }
    static float one(const float* p) { return *p; }
};
struct F16W {
    using Elem = uint16_t;
    static constexpr bool kFloatTail = false;
    static __m512 load(const uint16_t* p) { return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p))); }
    static float one(const uint16_t* p) { return _cvtsh_ss(*p); }
};
struct BF16W {
    using Elem = uint16_t;
    static constexpr bool kFloatTail = false;
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

// 16 lanes → 1 as GCC's _mm512_reduce_add_ps: halves added 16 → 8 → 4, then lanes (0+2)+(1+3).
float reduce1(const __m512 v) {
    const __m256 h8 = _mm256_add_ps(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)),
                                    _mm512_castps512_ps256(v));
    const __m128 h4 = _mm_add_ps(_mm256_extractf128_ps(h8, 1), _mm256_castps256_ps128(h8));
    const __m128 h2 = _mm_add_ps(h4, _mm_movehl_ps(h4, h4));  // [h4[0]+h4[2], h4[1]+h4[3], …]
    return _mm_cvtss_f32(_mm_add_ss(h2, _mm_movehdup_ps(h2)));
}

// ggml's reduction of the 4 accumulators (see the file comment).
float reduce4(const __m512 acc[4]) {
    return reduce1(_mm512_add_ps(_mm512_add_ps(acc[0], acc[2]), _mm512_add_ps(acc[1], acc[3])));
}

// The tail of ggml_vec_dot_f32 after the 64-element blocks, added to the float sum s.
template <typename W>
float f32_tail(float s, const typename W::Elem* w, const float* a, int64_t i, int64_t n) {
    for (; i + 16 <= n; i += 16)
        for (int64_t j = i; j < i + 16; ++j) s += W::one(w + j) * a[j];
    if (i + 8 <= n) {
        for (int64_t j = i; j < i + 8; ++j) s += W::one(w + j) * a[j];
        i += 8;
    }
    for (; i < n; ++i) s = __builtin_fmaf(W::one(w + i), a[i], s);
    return s;
}

template <typename W, int R, int T>
void tile_vec(const typename W::Elem* const* wrows, const float* const* acts, int64_t n, float out[R][T]) {
    __m512 acc[R][T][4];
    for (int r = 0; r < R; ++r)
        for (int t = 0; t < T; ++t)
            for (int j = 0; j < 4; ++j) acc[r][t][j] = _mm512_setzero_ps();
    const int64_t n64 = n / 64 * 64;
    // Decode streams every row once; rows of F16 models are often one 4 KiB page each, and the hardware
    // prefetchers restart at every page. Fetching the next tile's rows at the same offset keeps the
    // memory busy across those restarts.
    constexpr int64_t kElemsPerLine = 64 / sizeof(typename W::Elem);
    for (int64_t i = 0; i < n64; i += 64) {
        if constexpr (T == 1)
            for (int r = 0; r < R; ++r)
                for (int64_t e = 0; e < 64; e += kElemsPerLine)
                    _mm_prefetch(reinterpret_cast<const char*>(wrows[r] + R * n + i + e), _MM_HINT_T0);
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
            if constexpr (W::kFloatTail) {
                out[r][t] = f32_tail<W>(reduce4(acc[r][t]), wrows[r], acts[t], n64, n);
            } else {
                double sum = static_cast<double>(reduce4(acc[r][t]));
                for (int64_t i = n64; i < n; ++i)
                    sum += static_cast<double>(W::one(wrows[r] + i) * acts[t][i]);
                out[r][t] = static_cast<float>(sum);
            }
        }
}

// tinyBLAS order; n is a multiple of 16.
template <typename W, int R, int T>
void tile_tiny(const typename W::Elem* const* wrows, const float* const* acts, int64_t n, float out[R][T]) {
    __m512 acc[R][T];
    for (int r = 0; r < R; ++r)
        for (int t = 0; t < T; ++t) acc[r][t] = _mm512_setzero_ps();
    for (int64_t i = 0; i < n; i += 16) {
        __m512 wv[R];
        for (int r = 0; r < R; ++r) wv[r] = W::load(wrows[r] + i);
#pragma GCC unroll 3
        for (int t = 0; t < T; ++t) {
            const __m512 av = _mm512_loadu_ps(acts[t] + i);
            for (int r = 0; r < R; ++r) acc[r][t] = _mm512_fmadd_ps(wv[r], av, acc[r][t]);
        }
    }
    for (int r = 0; r < R; ++r)
        for (int t = 0; t < T; ++t) out[r][t] = reduce1(acc[r][t]);
}

template <typename W, int R, int T, bool Tiny>
void run_tile(const WeightMatrix& w, int64_t r, int64_t t, const float* act, float* y) {
    using Elem = typename W::Elem;
    const Elem* rows[R];
    const float* acts[T];
    for (int i = 0; i < R; ++i) rows[i] = reinterpret_cast<const Elem*>(w.data + static_cast<size_t>(r + i) * w.row_bytes);
    for (int j = 0; j < T; ++j) acts[j] = act + (t + j) * w.n_in;
    float out[R][T];
    if constexpr (Tiny) tile_tiny<W, R, T>(rows, acts, w.n_in, out);
    else tile_vec<W, R, T>(rows, acts, w.n_in, out);
    for (int i = 0; i < R; ++i)
        for (int j = 0; j < T; ++j) y[(t + j) * w.n_out + r + i] = out[i][j];
}

template <typename W, int T, bool Tiny>
void rows_for_tokens(const WeightMatrix& w, int64_t row0, int64_t row1, int64_t t, const float* act, float* y) {
    int64_t r = row0;
    for (; r + 2 <= row1; r += 2) run_tile<W, 2, T, Tiny>(w, r, t, act, y);
    if (r < row1) run_tile<W, 1, T, Tiny>(w, r, t, act, y);
}

template <typename W, bool Tiny>
void gemm_order(const WeightMatrix& w, int64_t row0, int64_t row1, const float* act, int64_t n_tokens, float* y) {
    int64_t t = 0;
    for (; t + 3 <= n_tokens; t += 3) rows_for_tokens<W, 3, Tiny>(w, row0, row1, t, act, y);
    for (; t < n_tokens; ++t) rows_for_tokens<W, 1, Tiny>(w, row0, row1, t, act, y);
}

template <typename W>
void gemm(const WeightMatrix& w, int64_t row0, int64_t row1, const float* act, int64_t n_tokens, float* y) {
    // llamafile_sgemm's conditions (AVX-512, F32 or F16 weights): the whole matrix's shape decides.
    if (!std::is_same_v<W, BF16W> && n_tokens >= 2 && w.n_in % 16 == 0 && w.n_out % 4 == 0)
        gemm_order<W, true>(w, row0, row1, act, n_tokens, y);
    else
        gemm_order<W, false>(w, row0, row1, act, n_tokens, y);
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
