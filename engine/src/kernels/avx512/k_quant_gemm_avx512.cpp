// AVX-512 VNNI batch kernels for Q4_K, Q5_K, Q6_K and IQ4_XS weights (prompt processing): up to eight tokens meet each
// weight super-block while it is decoded in registers, instead of one row dot per (row, token).
//
// Every (row, token) result is bit-identical to the row dots of k_quant_avx512.cpp and so to the scalar
// references (llama.cpp's x86 order): the integers are exact in any order, and each token's float steps
// run in its own SIMD lane (Q4_K: lane t of an 8-float register; the others: one 8-lane register per token) in
// the same sequence as the row dot's.
//
// Loop order (kernels/k_quant_tiles.h): token tiles outside, rows inside, so a tile's Q8_K rows (8 × 292 bytes per super-block)
// stay in L1 while the rows of the pool's chunk stream from L2.
#include "kernels/x86_intrinsics.h"

#include "kernels/avx512/avx512_kernels.h"
#include "kernels/avx512/lanes_avx512.h"
#include "kernels/k_quant_scales.h"
#include "kernels/k_quant_tiles.h"
#include "kernels/x86_k4_scales.h"
#include "model/weights.h"
#include "quant/blocks.h"
#include "quant/blocks_k.h"

namespace chord::avx512 {

namespace {

constexpr int kTile = 8;  // tokens per weight pass

// x86 lanes (e mod 32)/4 from the 16 lanes of 64-element chunks.
__m256i fold(__m512i s) { return _mm256_add_epi32(_mm512_castsi512_si256(s), _mm512_extracti64x4_epi64(s, 1)); }

// 32 int16: x in the low 16, y in the high 16.
__m512i pair16(int x, int y) {
    return _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_set1_epi16(static_cast<int16_t>(x))),
                              _mm256_set1_epi16(static_cast<int16_t>(y)), 1);
}

// The horizontal sums of eight int32x8 vectors, in order.
__m256i hsum_i32_x8(const __m256i v[8]) {
    return _mm256_set_m128i(hsum_i32_x4(v[4], v[5], v[6], v[7]), hsum_i32_x4(v[0], v[1], v[2], v[3]));
}

// The Q8_K super-block i of the tile's T token rows.
template <int T>
struct TokenBlocks {
    const BlockQ8_K* row[T];
    TokenBlocks(const uint8_t* act, size_t stride) {
        for (int t = 0; t < T; ++t) row[t] = reinterpret_cast<const BlockQ8_K*>(act + static_cast<size_t>(t) * stride);
    }
    // Each token's activation scale d in lane t (0 past T).
    __m256 d(int64_t i) const {
        alignas(32) float v[8] = {};
        for (int t = 0; t < T; ++t) v[t] = row[t][i].d;
        return _mm256_load_ps(v);
    }
};

// Q4_K: the row dot's order is whole super-block integer sums into two fused float sums, acc and acc_min.
// Here lane t of acc / acc_min is token t. The 128-byte qs become four registers of two sub-blocks each in
// element order ([s | s+1], s = 0, 2, 4, 6), so each token's activations load contiguously.
template <int T>
void dot_tile(StridedBlocks<BlockQ4_K> x, const uint8_t* act, size_t stride, int64_t nb, float* y, int64_t y_stride) {
    const TokenBlocks<T> tok(act, stride);
    const __m512i m4 = _mm512_set1_epi8(0x0F);
    __m256 acc = _mm256_setzero_ps(), acc_min = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; ++i) {
        const __m128i scales_mins = k4_scales_mins(x[i].scales);
        const __m512i s16 = _mm512_zextsi256_si512(_mm256_cvtepu8_epi16(scales_mins));  // sc 0-7, mn 0-7
        __m512i wq[4], scale[4];
        for (int h = 0; h < 2; ++h) {
            const __m512i q = _mm512_loadu_si512(x[i].qs + 64 * h);
            const __m512i lo = _mm512_and_si512(q, m4);                        // sub-blocks 4h, 4h+2
            const __m512i hi = _mm512_and_si512(_mm512_srli_epi16(q, 4), m4);  // sub-blocks 4h+1, 4h+3
            wq[2 * h] = _mm512_shuffle_i64x2(lo, hi, _MM_SHUFFLE(1, 0, 1, 0));
            wq[2 * h + 1] = _mm512_shuffle_i64x2(lo, hi, _MM_SHUFFLE(3, 2, 3, 2));
        }
        for (int k = 0; k < 4; ++k) scale[k] = _mm512_permutexvar_epi16(pair16(2 * k, 2 * k + 1), s16);
        const __m256i mins = k4_group_mins(scales_mins);
        __m256i sums[8], min_sums[8];
        for (int t = 0; t < 8; ++t) sums[t] = min_sums[t] = _mm256_setzero_si256();
        for (int t = 0; t < T; ++t) {
            const int8_t* a = tok.row[t][i].qs;
            __m512i s = _mm512_setzero_si512();
            for (int k = 0; k < 4; ++k)
                s = _mm512_dpwssd_epi32(s, _mm512_maddubs_epi16(wq[k], _mm512_loadu_si512(a + 64 * k)), scale[k]);
            sums[t] = fold(s);
            min_sums[t] = _mm256_madd_epi16(mins, load256(tok.row[t][i].bsums));
        }
        const __m256 dy = tok.d(i);
        const __m256 isum = _mm256_cvtepi32_ps(hsum_i32_x8(sums));
        const __m256 imin = _mm256_cvtepi32_ps(hsum_i32_x8(min_sums));
        acc = _mm256_fmadd_ps(isum, _mm256_mul_ps(_mm256_set1_ps(f16(x[i].d)), dy), acc);
        acc_min = _mm256_fmadd_ps(imin, _mm256_mul_ps(_mm256_set1_ps(f16(x[i].dmin)), dy), acc_min);
    }
    alignas(32) float out[8];
    _mm256_store_ps(out, _mm256_sub_ps(acc, acc_min));
    for (int t = 0; t < T; ++t) y[t * y_stride] = out[t];
}

// Q6_K: the row dot's order is 8 x86 lanes per super-block fused into 8 running sums (one register per
// token here), reduced as hsum_float_8. Codes become signed (q − 32) so that each token needs one masked
// negate instead of a second multiply: |w| · (a with w's sign).
template <int T>
void dot_tile(StridedBlocks<BlockQ6_K> x, const uint8_t* act, size_t stride, int64_t nb, float* y, int64_t y_stride) {
    const TokenBlocks<T> tok(act, stride);
    const __m512i m4 = _mm512_set1_epi8(0x0F);
    const __m512i m32 = _mm512_set1_epi8(32);
    alignas(64) static constexpr int16_t kEighths[32] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
                                                         2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3};
    const __m512i eighths = _mm512_load_si512(kEighths);  // k/8 for int16 k
    __m256 acc[T];
    for (int t = 0; t < T; ++t) acc[t] = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; ++i) {
        const __m512i sc16 = _mm512_cvtepi8_epi16(
            _mm256_zextsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x[i].scales))));
        __m512i mag[4], scale[4];
        __mmask64 neg[4];
        for (int h = 0; h < 2; ++h) {
            const __m512i ql = _mm512_loadu_si512(x[i].ql + 64 * h);
            const __m512i qh = _mm512_broadcast_i64x4(load256(x[i].qh + 32 * h));
            const __m512i top01 = _mm512_srlv_epi16(qh, pair16(0, 2));
            const __m512i top23 = _mm512_srlv_epi16(qh, pair16(4, 6));
            const __m512i q[2] = {
                _mm512_or_si512(_mm512_and_si512(ql, m4),
                                _mm512_slli_epi16(_mm512_and_si512(top01, _mm512_set1_epi8(3)), 4)),
                _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi16(ql, 4), m4),
                                _mm512_slli_epi16(_mm512_and_si512(top23, _mm512_set1_epi8(3)), 4)),
            };
            for (int c = 0; c < 2; ++c) {  // elements 128h + 64c …: chunk k = 2h + c
                const int k = 2 * h + c;
                const __m512i wv = _mm512_sub_epi8(q[c], m32);
                mag[k] = _mm512_abs_epi8(wv);
                neg[k] = _mm512_movepi8_mask(wv);
                // int16 j of this chunk belongs to sub-block 4k + j/8.
                scale[k] = _mm512_permutexvar_epi16(
                    _mm512_add_epi16(_mm512_set1_epi16(static_cast<int16_t>(4 * k)), eighths), sc16);
            }
        }
        const float dx = f16(x[i].d);
        for (int t = 0; t < T; ++t) {
            const int8_t* a = tok.row[t][i].qs;
            __m512i s = _mm512_setzero_si512();
            for (int k = 0; k < 4; ++k) {
                const __m512i av = _mm512_loadu_si512(a + 64 * k);
                const __m512i signed_a = _mm512_mask_sub_epi8(av, neg[k], _mm512_setzero_si512(), av);
                s = _mm512_dpwssd_epi32(s, _mm512_maddubs_epi16(mag[k], signed_a), scale[k]);
            }
            acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(tok.row[t][i].d * dx), _mm256_cvtepi32_ps(fold(s)), acc[t]);
        }
    }
    for (int t = 0; t < T; ++t) y[t * y_stride] = hsum8(acc[t]);
}

// Q5_K: Q4_K's weights with a fifth bit (bit s of qh[l] for element 32s + l), in ggml's AVX2 order: 8 x86
// lanes per super-block fused into 8 running sums per token, the minimum terms in their own fused sums
// (lane t of min_terms), added last.
template <int T>
void dot_tile(StridedBlocks<BlockQ5_K> x, const uint8_t* act, size_t stride, int64_t nb, float* y, int64_t y_stride) {
    const TokenBlocks<T> tok(act, stride);
    const __m512i m4 = _mm512_set1_epi8(0x0F), one = _mm512_set1_epi8(1);
    __m256 acc[T];
    for (int t = 0; t < T; ++t) acc[t] = _mm256_setzero_ps();
    __m256 min_terms = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; ++i) {
        const __m128i scales_mins = k4_scales_mins(x[i].scales);
        const __m512i s16 = _mm512_zextsi256_si512(_mm256_cvtepu8_epi16(scales_mins));  // sc 0-7, mn 0-7
        const __m512i high = _mm512_broadcast_i64x4(load256(x[i].qh));
        __m512i wq[4], scale[4];
        for (int h = 0; h < 2; ++h) {
            const __m512i q = _mm512_loadu_si512(x[i].qs + 64 * h);
            const __m512i lo = _mm512_and_si512(q, m4);                        // sub-blocks 4h, 4h+2
            const __m512i hi = _mm512_and_si512(_mm512_srli_epi16(q, 4), m4);  // sub-blocks 4h+1, 4h+3
            for (int k = 0; k < 2; ++k) {  // [4h + 2k | 4h + 2k + 1] in element order
                const int s = 4 * h + 2 * k;
                const __m512i fifth = _mm512_and_si512(_mm512_srlv_epi16(high, pair16(s, s + 1)), one);
                wq[2 * h + k] = _mm512_or_si512(
                    k == 0 ? _mm512_shuffle_i64x2(lo, hi, _MM_SHUFFLE(1, 0, 1, 0)) : _mm512_shuffle_i64x2(lo, hi, _MM_SHUFFLE(3, 2, 3, 2)),
                    _mm512_slli_epi16(fifth, 4));
            }
        }
        for (int k = 0; k < 4; ++k) scale[k] = _mm512_permutexvar_epi16(pair16(2 * k, 2 * k + 1), s16);
        const __m256i mins = k4_group_mins(scales_mins);
        __m256i min_sums[8];
        for (int t = 0; t < 8; ++t) min_sums[t] = _mm256_setzero_si256();
        const float dx = f16(x[i].d);
        for (int t = 0; t < T; ++t) {
            const int8_t* a = tok.row[t][i].qs;
            __m512i s = _mm512_setzero_si512();
            for (int k = 0; k < 4; ++k)
                s = _mm512_dpwssd_epi32(s, _mm512_maddubs_epi16(wq[k], _mm512_loadu_si512(a + 64 * k)), scale[k]);
            acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(tok.row[t][i].d * dx), _mm256_cvtepi32_ps(fold(s)), acc[t]);
            min_sums[t] = _mm256_madd_epi16(mins, load256(tok.row[t][i].bsums));
        }
        const __m256 neg_dmin = _mm256_mul_ps(_mm256_sub_ps(_mm256_setzero_ps(), tok.d(i)), _mm256_set1_ps(f16(x[i].dmin)));
        min_terms = _mm256_fmadd_ps(neg_dmin, _mm256_cvtepi32_ps(hsum_i32_x8(min_sums)), min_terms);
    }
    alignas(32) float mt[8];
    _mm256_store_ps(mt, min_terms);
    for (int t = 0; t < T; ++t) y[t * y_stride] = hsum8(acc[t]) + mt[t];
}

// IQ4_XS: sub-block s's 32 indices are qs[16s…16s+15] (element j low nibble, j+16 high), looked up in the 16
// signed levels; two sub-blocks per register. Order as Q6_K: 8 x86 lanes fused per token.
template <int T>
void dot_tile(StridedBlocks<BlockIQ4_XS> x, const uint8_t* act, size_t stride, int64_t nb, float* y, int64_t y_stride) {
    const TokenBlocks<T> tok(act, stride);
    const __m512i levels = _mm512_broadcast_i32x4(_mm_loadu_si128(reinterpret_cast<const __m128i*>(kIq4nlValues)));
    const __m512i nibble_shift = _mm512_inserti64x4(
        _mm512_castsi256_si512(_mm256_set_m128i(_mm_set1_epi16(4), _mm_setzero_si128())),
        _mm256_set_m128i(_mm_set1_epi16(4), _mm_setzero_si128()), 1);  // 128-bit lanes: low, high, low, high nibbles
    const __m512i m4 = _mm512_set1_epi8(0x0F);
    __m256 acc[T];
    for (int t = 0; t < T; ++t) acc[t] = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; ++i) {
        const __m512i ls16 = iq4_xs_scales16(x[i].scales_h, x[i].scales_l);
        __m512i mag[4], scale[4];
        __mmask64 neg[4];
        for (int k = 0; k < 4; ++k) {  // sub-blocks 2k, 2k + 1
            const __m512i raw = _mm512_castsi256_si512(load256(x[i].qs + 32 * k));
            const __m512i spread = _mm512_shuffle_i64x2(raw, raw, _MM_SHUFFLE(1, 1, 0, 0));
            const __m512i wv = _mm512_shuffle_epi8(levels, _mm512_and_si512(_mm512_srlv_epi16(spread, nibble_shift), m4));
            mag[k] = _mm512_abs_epi8(wv);
            neg[k] = _mm512_movepi8_mask(wv);
            scale[k] = _mm512_permutexvar_epi16(pair16(2 * k, 2 * k + 1), ls16);
        }
        const float dx = f16(x[i].d);
        for (int t = 0; t < T; ++t) {
            const int8_t* a = tok.row[t][i].qs;
            __m512i s = _mm512_setzero_si512();
            for (int k = 0; k < 4; ++k) {
                const __m512i av = _mm512_loadu_si512(a + 64 * k);
                const __m512i signed_a = _mm512_mask_sub_epi8(av, neg[k], _mm512_setzero_si512(), av);
                s = _mm512_dpwssd_epi32(s, _mm512_maddubs_epi16(mag[k], signed_a), scale[k]);
            }
            acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(dx * tok.row[t][i].d), _mm256_cvtepi32_ps(fold(s)), acc[t]);
        }
    }
    for (int t = 0; t < T; ++t) y[t * y_stride] = hsum8(acc[t]);
}

}  // namespace

KQuantGemm k_quant_gemm(TensorType type) {
    // The kernels above, picked by block type, in the shared tile loop.
    const auto tokens = [](auto t, auto x, auto... rest) { dot_tile<decltype(t)::value>(x, rest...); };
    return k_quant_tile_gemm<kTile, decltype(tokens)>(type);
}

}  // namespace chord::avx512
