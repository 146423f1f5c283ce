// AVX-512 VNNI decode kernel for Q4_K weights: four rows × one token at a time.
//
// A single-row dot spends most of its time on work that does not depend on the row: loading and
// interleaving the activation halves, and the float steps' latency chain. Four rows share the activation
// loads, their scale vectors come from one permute each, their minimum terms are one multiply-add, and
// the four rows' float steps run in the lanes of one register.
// Each row's arithmetic is dot_q4_k's (k_quant_avx512.cpp, llama.cpp's repacked-Q4_K order): exact
// integer super-block sums, then per super-block acc = fma(Σ, d·d_a, acc) and
// acc_min = fma(Σ mins, dmin·d_a, acc_min), result acc − acc_min; lane r of the float registers is row r,
// so the bits are the same.
#include "kernels/x86_intrinsics.h"

#include <cstring>
#include <stdexcept>

#include "kernels/avx512/avx512_kernels.h"
#include "kernels/x86_k4_scales.h"
#include "model/weights.h"
#include "quant/blocks_k.h"
#include "quant/interleave4.h"

namespace chord::avx512 {

namespace {

constexpr int kRows = 4;

// 64 bytes from two 32-byte halves.
__m512i load_halves(const void* lo, const void* hi) {
    const __m256i l = _mm256_loadu_si256(static_cast<const __m256i*>(lo));
    return _mm512_inserti64x4(_mm512_castsi256_si512(l), _mm256_loadu_si256(static_cast<const __m256i*>(hi)), 1);
}

// Word indices that put scale s in the low 16 words and scale s+2 in the high 16 (for s = 0, 1, 4, 5).
__m512i scale_pair_index(int s) {
    return _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_set1_epi16(static_cast<int16_t>(s))),
                              _mm256_set1_epi16(static_cast<int16_t>(s + 2)), 1);
}

// The exact integer Σ q·a of one super-block of one row (sub-block scales applied), in 16 int32 lanes.
// scales_mins: k4_scales_mins of the block.
__m512i row_block_sum(const BlockQ4_K& x, __m128i scales_mins, const __m512i act[4], const __m512i pair_index[4]) {
    const __m512i sc16 = _mm512_cvtepu8_epi16(_mm256_zextsi128_si256(scales_mins));  // words 0-7: the scales
    const __m512i m4 = _mm512_set1_epi8(0x0F);
    __m512i sumi = _mm512_setzero_si512();
    for (int it = 0; it < 2; ++it) {
        const __m512i q = _mm512_loadu_si512(x.qs + 64 * it);
        const __m512i lo = _mm512_and_si512(q, m4);                        // sub-blocks 4it, 4it+2
        const __m512i hi = _mm512_and_si512(_mm512_srli_epi16(q, 4), m4);  // sub-blocks 4it+1, 4it+3
        sumi = _mm512_dpwssd_epi32(sumi, _mm512_maddubs_epi16(lo, act[2 * it]),
                                   _mm512_permutexvar_epi16(pair_index[2 * it], sc16));
        sumi = _mm512_dpwssd_epi32(sumi, _mm512_maddubs_epi16(hi, act[2 * it + 1]),
                                   _mm512_permutexvar_epi16(pair_index[2 * it + 1], sc16));
    }
    return sumi;
}

// Horizontal sums of four 512-bit int32 vectors: lane r of the result is Σ v[r].
__m128i hsum4(const __m512i v[4]) {
    __m256i h[4];
    for (int r = 0; r < 4; ++r) h[r] = _mm256_add_epi32(_mm512_castsi512_si256(v[r]), _mm512_extracti64x4_epi64(v[r], 1));
    const __m256i s = _mm256_hadd_epi32(_mm256_hadd_epi32(h[0], h[1]), _mm256_hadd_epi32(h[2], h[3]));
    return _mm_add_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
}

__m128i hsum4(const __m256i v[4]) {
    const __m256i s = _mm256_hadd_epi32(_mm256_hadd_epi32(v[0], v[1]), _mm256_hadd_epi32(v[2], v[3]));
    return _mm_add_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
}

// Four rows × one activation row: out[i] for the row whose block k is at rows[i] + k·block_stride
// (row-major: stride one block, 4 streams; Interleaved4: stride four blocks, one stream).
void four_rows(const uint8_t* const rows[kRows], size_t block_stride, const BlockQ8_K* y, int64_t n_blocks,
               float out[kRows]) {
    const __m512i pair_index[4] = {scale_pair_index(0), scale_pair_index(1), scale_pair_index(4), scale_pair_index(5)};
    __m128 acc = _mm_setzero_ps(), acc_min = _mm_setzero_ps();
    for (int64_t i = 0; i < n_blocks; ++i) {
        const size_t at = static_cast<size_t>(i) * block_stride;
        const int8_t* a = y[i].qs;
        // Activations of sub-blocks (4it, 4it+2) and (4it+1, 4it+3), as k4_lanes pairs them.
        const __m512i act[4] = {load_halves(a, a + 64), load_halves(a + 32, a + 96), load_halves(a + 128, a + 192),
                                load_halves(a + 160, a + 224)};
        const __m256i bsums = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y[i].bsums));
        __m512i sums[kRows];
        __m256i mins[kRows];
        alignas(16) uint16_t d[kRows], dmin[kRows];
        for (int r = 0; r < kRows; ++r) {
            const auto& x = *reinterpret_cast<const BlockQ4_K*>(rows[r] + at);
            const __m128i scales_mins = k4_scales_mins(x.scales);
            sums[r] = row_block_sum(x, scales_mins, act, pair_index);
            mins[r] = _mm256_madd_epi16(bsums, k4_group_mins(scales_mins));  // Σ mn[g/2]·bsums[g], in pairs
            d[r] = x.d;
            dmin[r] = x.dmin;
        }
        const __m128 yd = _mm_set1_ps(y[i].d);
        const __m128 dw = _mm_cvtph_ps(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(d)));
        const __m128 dminw = _mm_cvtph_ps(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(dmin)));
        acc = _mm_fmadd_ps(_mm_cvtepi32_ps(hsum4(sums)), _mm_mul_ps(dw, yd), acc);
        acc_min = _mm_fmadd_ps(_mm_cvtepi32_ps(hsum4(mins)), _mm_mul_ps(dminw, yd), acc_min);
    }
    _mm_storeu_ps(out, _mm_sub_ps(acc, acc_min));
}

}  // namespace

void q4_k_rows_one_token(const WeightMatrix& w, int64_t row0, int64_t row1, const uint8_t* act, float* y) {
    const auto* a = reinterpret_cast<const BlockQ8_K*>(act);
    const int64_t nb = w.n_in / kQK_K;
    const uint8_t* rows[kRows];
    if (w.layout == RowLayout::Interleaved4) {
        // The matmul's chunks hold whole groups (multiples of 16 rows); a partial group has no row dot.
        if (row0 % kRows != 0 || row1 % kRows != 0) throw std::logic_error("Q4_K rows split inside a 4-row group");
        const Interleaved4 w4{w.data, nb, sizeof(BlockQ4_K)};
        for (int64_t r = row0; r < row1; r += kRows) {
            for (int i = 0; i < kRows; ++i) rows[i] = w4.row_start(r + i);
            four_rows(rows, w4.block_stride(), a, nb, y + r);
        }
        return;
    }
    int64_t r = row0;
    for (; r + kRows <= row1; r += kRows) {
        for (int i = 0; i < kRows; ++i) rows[i] = w.row(r + i);
        four_rows(rows, sizeof(BlockQ4_K), a, nb, y + r);
    }
    const RowDot single = k_quant_dot(TensorType::Q4_K);
    for (; r < row1; ++r) y[r] = single(w.row(r), act, w.n_in);
}

}  // namespace chord::avx512
