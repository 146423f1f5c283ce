// AVX2 batch kernels for Q4_K, Q5_K, Q6_K and IQ4_XS weights (prompt processing): up to four tokens meet each piece of a
// weight super-block while it is decoded in registers, instead of one row dot per (row, token).
//
// Every (row, token) result is bit-identical to the row dots of k_quant_avx2.cpp and so to the scalar
// references (llama.cpp's x86 order): the integers are exact in any order, and each token's float steps
// run in its own SIMD lane (Q4_K: lane t of a 4-float register; the others: one 8-lane register per token) in
// the same sequence as the row dot's.
//
// Loop order (kernels/k_quant_tiles.h): token tiles outside, rows inside, so a tile's Q8_K rows (4 × 292 bytes per super-block)
// stay in L1 while the rows of the pool's chunk stream from L2.
#include "kernels/x86_intrinsics.h"

#include "kernels/avx2/avx2_kernels.h"
#include "kernels/avx2/lanes_avx2.h"
#include "kernels/k_quant_scales.h"
#include "kernels/k_quant_tiles.h"
#include "kernels/x86_k4_scales.h"
#include "model/weights.h"
#include "quant/blocks.h"
#include "quant/blocks_k.h"

namespace chord::avx2 {

namespace {

constexpr int kTile = 4;  // tokens per weight pass

// The Q8_K super-block i of the tile's T token rows.
template <int T>
struct TokenBlocks {
    const BlockQ8_K* row[T];
    TokenBlocks(const uint8_t* act, size_t stride) {
        for (int t = 0; t < T; ++t) row[t] = reinterpret_cast<const BlockQ8_K*>(act + static_cast<size_t>(t) * stride);
    }
    // Each token's activation scale d in lane t (0 past T).
    __m128 d(int64_t i) const {
        alignas(16) float v[4] = {};
        for (int t = 0; t < T; ++t) v[t] = row[t][i].d;
        return _mm_load_ps(v);
    }
};

// Q4_K: the row dot's order is whole super-block integer sums into two fused float sums, acc and acc_min;
// lane t of acc / acc_min is token t. Sub-blocks 2p and 2p+1 are the low and high nibbles of qs[32p…].
template <int T>
void dot_tile(StridedBlocks<BlockQ4_K> x, const uint8_t* act, size_t stride, int64_t nb, float* y, int64_t y_stride) {
    const TokenBlocks<T> tok(act, stride);
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    __m128 acc = _mm_setzero_ps(), acc_min = _mm_setzero_ps();
    for (int64_t i = 0; i < nb; ++i) {
        alignas(16) uint8_t sc[8], mn[8];
        unpack_k4_scales(x[i].scales, sc, mn);
        __m256i sums[4], min_sums[4];
        for (int t = 0; t < 4; ++t) sums[t] = min_sums[t] = _mm256_setzero_si256();
        for (int p = 0; p < 4; ++p) {
            const __m256i q = load(x[i].qs + 32 * p);
            const __m256i lo = _mm256_and_si256(q, m4), hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), m4);
            const __m256i s_lo = _mm256_set1_epi16(sc[2 * p]), s_hi = _mm256_set1_epi16(sc[2 * p + 1]);
            for (int t = 0; t < T; ++t) {
                const int8_t* a = tok.row[t][i].qs + 64 * p;
                sums[t] = _mm256_add_epi32(sums[t], _mm256_add_epi32(_mm256_madd_epi16(_mm256_maddubs_epi16(lo, load(a)), s_lo),
                                                                     _mm256_madd_epi16(_mm256_maddubs_epi16(hi, load(a + 32)), s_hi)));
            }
        }
        const __m256i mins = k4_group_mins(k4_scales_mins(x[i].scales));
        for (int t = 0; t < T; ++t) min_sums[t] = _mm256_madd_epi16(mins, load(tok.row[t][i].bsums));
        const __m128 dy = tok.d(i);
        const __m128 isum = _mm_cvtepi32_ps(hsum_i32_x4(sums[0], sums[1], sums[2], sums[3]));
        const __m128 imin = _mm_cvtepi32_ps(hsum_i32_x4(min_sums[0], min_sums[1], min_sums[2], min_sums[3]));
        acc = _mm_fmadd_ps(isum, _mm_mul_ps(_mm_set1_ps(f16(x[i].d)), dy), acc);
        acc_min = _mm_fmadd_ps(imin, _mm_mul_ps(_mm_set1_ps(f16(x[i].dmin)), dy), acc_min);
    }
    alignas(16) float out[4];
    _mm_store_ps(out, _mm_sub_ps(acc, acc_min));
    for (int t = 0; t < T; ++t) y[t * y_stride] = out[t];
}

// Q6_K: the row dot's order is 8 x86 lanes per super-block fused into 8 running sums (one register per
// token here), reduced as hsum_float_8. Codes become signed (q − 32): |w| · sign(a, w) per token.
template <int T>
void dot_tile(StridedBlocks<BlockQ6_K> x, const uint8_t* act, size_t stride, int64_t nb, float* y, int64_t y_stride) {
    const TokenBlocks<T> tok(act, stride);
    const __m256i m4 = _mm256_set1_epi8(0x0F), m3 = _mm256_set1_epi8(3), m32 = _mm256_set1_epi8(32);
    __m256 acc[T];
    for (int t = 0; t < T; ++t) acc[t] = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; ++i) {
        __m256i sums[T];
        for (int t = 0; t < T; ++t) sums[t] = _mm256_setzero_si256();
        for (int h = 0; h < 2; ++h) {
            const __m256i ql0 = load(x[i].ql + 64 * h), ql1 = load(x[i].ql + 64 * h + 32);
            const __m256i qh = load(x[i].qh + 32 * h);
            for (int c = 0; c < 4; ++c) {  // elements 128h + 32c …
                const __m256i ql = c % 2 ? ql1 : ql0;
                const __m256i low = c < 2 ? _mm256_and_si256(ql, m4) : _mm256_and_si256(_mm256_srli_epi16(ql, 4), m4);
                const __m256i top = _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2 * c), m3), 4);
                const __m256i wv = _mm256_sub_epi8(_mm256_or_si256(low, top), m32);
                const __m256i mag = _mm256_sign_epi8(wv, wv);
                // 16-bit lanes 0-7 are sub-block 8h + 2c, lanes 8-15 sub-block 8h + 2c + 1.
                const int s = 8 * h + 2 * c;
                const __m256i scale = _mm256_set_m128i(_mm_set1_epi16(x[i].scales[s + 1]), _mm_set1_epi16(x[i].scales[s]));
                for (int t = 0; t < T; ++t) {
                    const __m256i a = load(tok.row[t][i].qs + 128 * h + 32 * c);
                    sums[t] = _mm256_add_epi32(sums[t], _mm256_madd_epi16(_mm256_maddubs_epi16(mag, _mm256_sign_epi8(a, wv)), scale));
                }
            }
        }
        const float dx = f16(x[i].d);
        for (int t = 0; t < T; ++t)
            acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(tok.row[t][i].d * dx), _mm256_cvtepi32_ps(sums[t]), acc[t]);
    }
    for (int t = 0; t < T; ++t) y[t * y_stride] = hsum8(acc[t]);
}

// Q5_K: Q4_K's weights with a fifth bit (bit s of qh[l] for element 32s + l), in ggml's AVX2 order: 8 x86
// lanes per super-block fused into 8 running sums per token, the minimum terms in their own fused sums
// (lane t of min_terms), added last.
template <int T>
void dot_tile(StridedBlocks<BlockQ5_K> x, const uint8_t* act, size_t stride, int64_t nb, float* y, int64_t y_stride) {
    const TokenBlocks<T> tok(act, stride);
    const __m256i m4 = _mm256_set1_epi8(0x0F), one = _mm256_set1_epi8(1);
    __m256 acc[T];
    for (int t = 0; t < T; ++t) acc[t] = _mm256_setzero_ps();
    __m128 min_terms = _mm_setzero_ps();
    for (int64_t i = 0; i < nb; ++i) {
        alignas(16) uint8_t sc[8], mn[8];
        unpack_k4_scales(x[i].scales, sc, mn);
        const __m256i high = load(x[i].qh);
        __m256i sums[T];
        for (int t = 0; t < T; ++t) sums[t] = _mm256_setzero_si256();
        for (int p = 0; p < 4; ++p) {
            const __m256i q = load(x[i].qs + 32 * p);
            const __m256i lo = _mm256_or_si256(_mm256_and_si256(q, m4),
                                               _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(high, 2 * p), one), 4));
            const __m256i hi = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(q, 4), m4),
                                               _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(high, 2 * p + 1), one), 4));
            const __m256i s_lo = _mm256_set1_epi16(sc[2 * p]), s_hi = _mm256_set1_epi16(sc[2 * p + 1]);
            for (int t = 0; t < T; ++t) {
                const int8_t* a = tok.row[t][i].qs + 64 * p;
                sums[t] = _mm256_add_epi32(sums[t], _mm256_add_epi32(_mm256_madd_epi16(_mm256_maddubs_epi16(lo, load(a)), s_lo),
                                                                     _mm256_madd_epi16(_mm256_maddubs_epi16(hi, load(a + 32)), s_hi)));
            }
        }
        const __m256i mins = k4_group_mins(k4_scales_mins(x[i].scales));
        __m256i min_sums[4];
        for (int t = 0; t < 4; ++t) min_sums[t] = _mm256_setzero_si256();
        const float dx = f16(x[i].d);
        for (int t = 0; t < T; ++t) {
            acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(tok.row[t][i].d * dx), _mm256_cvtepi32_ps(sums[t]), acc[t]);
            min_sums[t] = _mm256_madd_epi16(mins, load(tok.row[t][i].bsums));
        }
        const __m128 neg_dmin = _mm_mul_ps(_mm_sub_ps(_mm_setzero_ps(), tok.d(i)), _mm_set1_ps(f16(x[i].dmin)));
        min_terms = _mm_fmadd_ps(neg_dmin, _mm_cvtepi32_ps(hsum_i32_x4(min_sums[0], min_sums[1], min_sums[2], min_sums[3])),
                                 min_terms);
    }
    alignas(16) float mt[4];
    _mm_store_ps(mt, min_terms);
    for (int t = 0; t < T; ++t) y[t * y_stride] = hsum8(acc[t]) + mt[t];
}

// IQ4_XS: sub-block s's indices are qs[16s…16s+15] (element j low nibble, j+16 high), looked up in the 16
// signed levels. Order as Q6_K: 8 x86 lanes fused per token.
template <int T>
void dot_tile(StridedBlocks<BlockIQ4_XS> x, const uint8_t* act, size_t stride, int64_t nb, float* y, int64_t y_stride) {
    const TokenBlocks<T> tok(act, stride);
    const __m256i levels = _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(kIq4nlValues)));
    const __m128i m4 = _mm_set1_epi8(0x0F);
    __m256 acc[T];
    for (int t = 0; t < T; ++t) acc[t] = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; ++i) {
        __m256i sums[T];
        for (int t = 0; t < T; ++t) sums[t] = _mm256_setzero_si256();
        for (int s = 0; s < 8; ++s) {
            const __m128i raw = _mm_loadu_si128(reinterpret_cast<const __m128i*>(x[i].qs + 16 * s));
            const __m256i wv = _mm256_shuffle_epi8(levels, _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(raw, 4), m4), _mm_and_si128(raw, m4)));
            const __m256i mag = _mm256_sign_epi8(wv, wv);
            const __m256i scale = _mm256_set1_epi16(static_cast<int16_t>(iq4_xs_scale(x[i].scales_h, x[i].scales_l, s)));
            for (int t = 0; t < T; ++t) {
                const __m256i a = load(tok.row[t][i].qs + 32 * s);
                sums[t] = _mm256_add_epi32(sums[t], _mm256_madd_epi16(_mm256_maddubs_epi16(mag, _mm256_sign_epi8(a, wv)), scale));
            }
        }
        const float dx = f16(x[i].d);
        for (int t = 0; t < T; ++t)
            acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(dx * tok.row[t][i].d), _mm256_cvtepi32_ps(sums[t]), acc[t]);
    }
    for (int t = 0; t < T; ++t) y[t * y_stride] = hsum8(acc[t]);
}

}  // namespace

KQuantGemm k_quant_gemm(TensorType type) {
    // The kernels above, picked by block type, in the shared tile loop.
    const auto tokens = [](auto t, auto x, auto... rest) { dot_tile<decltype(t)::value>(x, rest...); };
    return k_quant_tile_gemm<kTile, decltype(tokens)>(type);
}

}  // namespace chord::avx2
