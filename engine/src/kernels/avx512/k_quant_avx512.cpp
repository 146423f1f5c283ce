// AVX-512 dots of K-quant (Q2_K … Q6_K) and IQ4_XS weight rows with Q8_K activation rows.
//
// Integers: maddubs multiplies the unsigned weight codes (IQ4_XS: |w|, with the activation's sign
// flipped where w < 0) by the signed activation bytes into 16-bit pairs that never saturate
// (≤ 63·127·2), and VNNI's vpdpwssd multiplies those by the 16-bit sub-block scales and accumulates
// into int32 lanes. Every integer is exact.
// Floats: the scalar references' steps exactly (llama.cpp's x86 order, quant/x86_lanes.h), so every
// result is bit-identical to them. A 512-bit register holds 64 elements; its int32 lane l covers
// elements 4l…4l+3, so lanes l and l+8 fold into x86 lane l (e mod 32)/4.
#include "kernels/x86_intrinsics.h"

#include <cmath>
#include <cstring>

#include "kernels/avx512/avx512_kernels.h"
#include "kernels/avx512/lanes_avx512.h"
#include "kernels/k4_row_dots.h"
#include "kernels/k_quant_scales.h"
#include "kernels/x86_k4_scales.h"
#include "quant/blocks.h"
#include "quant/blocks_k.h"

namespace chord::avx512 {

namespace {

// 64 bytes from two 32-byte halves.
__m512i load_halves(const void* lo, const void* hi) {
    const __m256i l = _mm256_loadu_si256(static_cast<const __m256i*>(lo));
    return _mm512_inserti64x4(_mm512_castsi256_si512(l), _mm256_loadu_si256(static_cast<const __m256i*>(hi)), 1);
}

// 32 int16: value x in the low 16 (a 256-bit half), y in the high 16.
__m512i halves16(int x, int y) {
    return _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_set1_epi16(static_cast<int16_t>(x))),
                              _mm256_set1_epi16(static_cast<int16_t>(y)), 1);
}

// Per-byte (v >> shift) & mask, with the shift chosen per 256-bit half.
__m512i bits(__m512i v, int shift_lo, int shift_hi, int mask) {
    return _mm512_and_si512(_mm512_srlv_epi16(v, halves16(shift_lo, shift_hi)), _mm512_set1_epi8(static_cast<char>(mask)));
}

// x86 lanes (e mod 32)/4 from the 16 lanes of 64-element chunks.
__m256i fold_lanes(__m512i s) { return _mm256_add_epi32(_mm512_castsi512_si256(s), _mm512_extracti64x4_epi64(s, 1)); }

// Q4_K / Q5_K: sub-block pairs (2p, 2p+1) share qs[32p…32p+31] (low / high nibbles). A 64-byte load
// at 64·it holds sub-blocks 4it (low nibbles of its first half), 4it+2 (low, second half), 4it+1 and
// 4it+3 (high nibbles); a shuffle puts them in element order, [4it | 4it+1] and [4it+2 | 4it+3], so the
// activations load contiguously. kFifth adds Q5_K's fifth bit, bit s of qh[l] for element 32s + l.
// s16: the int16 scales sc[0…7] (lanes 0-7; k4_scales_mins), picked per 256-bit half by a permute.
template <bool kFifth>
__m512i k4_lanes(const uint8_t* qs, const uint8_t* qh, const int8_t* q8, __m512i s16) {
    const __m512i m4 = _mm512_set1_epi8(0x0F);
    const __m512i high = kFifth ? _mm512_broadcast_i64x4(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(qh)))
                                : _mm512_setzero_si512();
    __m512i sumi = _mm512_setzero_si512();
    for (int it = 0; it < 2; ++it) {
        const int s = 4 * it;
        const __m512i q = _mm512_loadu_si512(qs + 64 * it);
        const __m512i lo = _mm512_and_si512(q, m4);                        // sub-blocks s, s+2
        const __m512i hi = _mm512_and_si512(_mm512_srli_epi16(q, 4), m4);  // sub-blocks s+1, s+3
        __m512i w01 = _mm512_shuffle_i64x2(lo, hi, _MM_SHUFFLE(1, 0, 1, 0));  // sub-blocks s, s+1
        __m512i w23 = _mm512_shuffle_i64x2(lo, hi, _MM_SHUFFLE(3, 2, 3, 2));  // sub-blocks s+2, s+3
        if (kFifth) {
            w01 = _mm512_or_si512(w01, _mm512_slli_epi16(bits(high, s, s + 1, 1), 4));
            w23 = _mm512_or_si512(w23, _mm512_slli_epi16(bits(high, s + 2, s + 3, 1), 4));
        }
        const int8_t* a = q8 + 128 * it;
        const __m512i p01 = _mm512_maddubs_epi16(w01, _mm512_loadu_si512(a));
        const __m512i p23 = _mm512_maddubs_epi16(w23, _mm512_loadu_si512(a + 64));
        sumi = _mm512_dpwssd_epi32(sumi, p01, _mm512_permutexvar_epi16(halves16(s, s + 1), s16));
        sumi = _mm512_dpwssd_epi32(sumi, p23, _mm512_permutexvar_epi16(halves16(s + 2, s + 3), s16));
    }
    return sumi;
}

// The integer parts of the Q4_K / Q5_K row dots (kernels/k4_row_dots.h has their float steps).
struct K4Isa {
    using Lanes = __m256i;
    using Lanes8 = X86Lanes8;
    static float f16(uint16_t h) { return avx512::f16(h); }
    static K4Sums q4_k_sums(const BlockQ4_K& x, const BlockQ8_K& y) {
        const __m128i scales_mins = k4_scales_mins(x.scales);
        const __m512i s16 = _mm512_zextsi256_si512(_mm256_cvtepu8_epi16(scales_mins));
        const __m256i sums = fold_lanes(k4_lanes<false>(x.qs, nullptr, y.qs, s16));
        const __m256i mins = _mm256_madd_epi16(k4_group_mins(scales_mins), load256(y.bsums));
        // Both horizontal sums at once: lane 0 Σ sums, lane 1 Σ mins.
        const __m256i h = _mm256_hadd_epi32(_mm256_hadd_epi32(sums, mins), _mm256_setzero_si256());
        const __m128i r = _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
        return {_mm_cvtsi128_si32(r), _mm_extract_epi32(r, 1)};
    }
    static Lanes q5_k_lanes(const BlockQ5_K& x, const BlockQ8_K& y, int32_t& min_sum) {
        const __m128i scales_mins = k4_scales_mins(x.scales);
        const __m512i s16 = _mm512_zextsi256_si512(_mm256_cvtepu8_epi16(scales_mins));
        min_sum = hsum_i32(_mm256_madd_epi16(k4_group_mins(scales_mins), load256(y.bsums)));
        return fold_lanes(k4_lanes<true>(x.qs, x.qh, y.qs, s16));
    }
};

// Q6_K: per half h (128 elements), ql[64h…64h+63] holds elements 0-63 in its low nibbles and 64-127 in
// its high nibbles; qh[32h + l] holds the top 2 bits of elements l, 32+l, 64+l, 96+l (bits 0-1 … 6-7).
// The codes enter unsigned (q = value + 32) and 32·a is taken off every 16-bit pair.
float dot_q6_k(const void* w, const void* act, int64_t n) {
    const auto* x = static_cast<const BlockQ6_K*>(w);
    const auto* y = static_cast<const BlockQ8_K*>(act);
    const __m512i m4 = _mm512_set1_epi8(0x0F);
    const __m512i m32 = _mm512_set1_epi8(32);
    alignas(64) static constexpr int16_t kEighths[32] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
                                                         2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3};
    const __m512i eighths = _mm512_load_si512(kEighths);  // k/8 for int16 k
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        // 32 int16 scales; a 64-element chunk c (0…3) uses sub-blocks 4c…4c+3, 8 int16 pairs each.
        const __m512i sc16 = _mm512_cvtepi8_epi16(
            _mm256_zextsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x[i].scales))));
        __m512i sumi = _mm512_setzero_si512();
        for (int h = 0; h < 2; ++h) {
            const __m512i ql = _mm512_loadu_si512(x[i].ql + 64 * h);
            const __m512i qh = _mm512_broadcast_i64x4(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x[i].qh + 32 * h)));
            const __m512i q[2] = {
                _mm512_or_si512(_mm512_and_si512(ql, m4), _mm512_slli_epi16(bits(qh, 0, 2, 3), 4)),
                _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi16(ql, 4), m4), _mm512_slli_epi16(bits(qh, 4, 6, 3), 4)),
            };
            for (int c = 0; c < 2; ++c) {
                const __m512i a = _mm512_loadu_si512(y[i].qs + 128 * h + 64 * c);
                const __m512i p = _mm512_sub_epi16(_mm512_maddubs_epi16(q[c], a), _mm512_maddubs_epi16(m32, a));
                // int16 k of this chunk belongs to sub-block 8h + 4c + k/8.
                const __m512i idx = _mm512_add_epi16(_mm512_set1_epi16(static_cast<int16_t>(8 * h + 4 * c)), eighths);
                sumi = _mm512_dpwssd_epi32(sumi, p, _mm512_permutexvar_epi16(idx, sc16));
            }
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(y[i].d * f16(x[i].d)), _mm256_cvtepi32_ps(fold_lanes(sumi)), acc);
    }
    return hsum8(acc);
}

// Q2_K: qs[32h + l] holds the 2-bit codes of elements 128h + l, +32, +64, +96 (bits 0-1 … 6-7); sub-blocks
// of 16 with 4-bit scales (low nibble) and mins (high nibble). A 64-byte load holds both halves; chunk c
// (bits 2c) is elements 32c… (low 256 bits) and 128 + 32c… (high). llama.cpp's repacked-Q2_K order: whole
// super-block integer sums, two fused float sums.
float dot_q2_k(const void* w, const void* act, int64_t n) {
    const auto* x = static_cast<const BlockQ2_K*>(w);
    const auto* y = static_cast<const BlockQ8_K*>(act);
    const __m128i m4 = _mm_set1_epi8(0x0F);
    // int16 k of chunk c belongs to sub-block 2c + {0, 1, 8, 9}[k/8].
    alignas(64) static constexpr int16_t kSubBlock[32] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
                                                          8, 8, 8, 8, 8, 8, 8, 8, 9, 9, 9, 9, 9, 9, 9, 9};
    const __m512i sub_block = _mm512_load_si512(kSubBlock);
    float acc = 0.0f, acc_min = 0.0f;
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        const __m128i packed = _mm_loadu_si128(reinterpret_cast<const __m128i*>(x[i].scales));
        const __m256i mins = _mm256_cvtepu8_epi16(_mm_and_si128(_mm_srli_epi16(packed, 4), m4));
        const int32_t min_sum = _mm512_reduce_add_epi32(_mm512_zextsi256_si512(_mm256_madd_epi16(mins, load256(y[i].bsums))));
        const __m512i sc16 = _mm512_zextsi256_si512(_mm256_cvtepu8_epi16(_mm_and_si128(packed, m4)));
        const __m512i q = _mm512_loadu_si512(x[i].qs);
        __m512i sumi = _mm512_setzero_si512();
        for (int c = 0; c < 4; ++c) {
            const __m512i codes = _mm512_and_si512(_mm512_srli_epi16(q, 2 * c), _mm512_set1_epi8(3));
            const __m512i p = _mm512_maddubs_epi16(codes, load_halves(y[i].qs + 32 * c, y[i].qs + 128 + 32 * c));
            const __m512i idx = _mm512_add_epi16(sub_block, _mm512_set1_epi16(static_cast<int16_t>(2 * c)));
            sumi = _mm512_dpwssd_epi32(sumi, p, _mm512_permutexvar_epi16(idx, sc16));
        }
        acc = std::fma(static_cast<float>(_mm512_reduce_add_epi32(sumi)), f16(x[i].d) * y[i].d, acc);
        acc_min = std::fma(static_cast<float>(min_sum), f16(x[i].dmin) * y[i].d, acc_min);
    }
    return acc - acc_min;
}

// The sixteen Q3_K scales minus 32 as int8, in registers (bytes written one by one and read back as a
// vector would stall on store forwarding): low 4 bits are the nibbles of bytes 0-7 (s < 8: low, else
// high nibble of byte s−8); high 2 bits of s are bits 2·(s/4) of byte 8 + s%4.
__m128i q3_k_scales(const uint8_t* packed) {
    int32_t top;
    std::memcpy(&top, packed + 8, 4);
    const __m128i m4 = _mm_set1_epi8(0x0F);
    const __m128i lo = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(packed));
    const __m128i low = _mm_unpacklo_epi64(_mm_and_si128(lo, m4), _mm_and_si128(_mm_srli_epi16(lo, 4), m4));
    // Bytes 8-11 repeated in every 32-bit lane j (sub-blocks 4j…4j+3), shifted right by 2j.
    const __m128i high = _mm_and_si128(_mm_srlv_epi32(_mm_set1_epi32(top), _mm_setr_epi32(0, 2, 4, 6)), _mm_set1_epi8(3));
    return _mm_sub_epi8(_mm_or_si128(low, _mm_slli_epi16(high, 4)), _mm_set1_epi8(32));
}

// Q3_K: for half h, qs[32h + l] holds the 2 low bits of elements 128h + l, +32, +64, +96 (bits 0-1 … 6-7)
// and bit b of hmask[l] the high bit of element 32b + l. Codes enter unsigned (value + 4 = low | high<<2)
// and 4·a is taken off every 16-bit pair; sub-blocks of 16 as Q6_K.
float dot_q3_k(const void* w, const void* act, int64_t n) {
    const auto* x = static_cast<const BlockQ3_K*>(w);
    const auto* y = static_cast<const BlockQ8_K*>(act);
    const __m512i m4 = _mm512_set1_epi8(4);
    alignas(64) static constexpr int16_t kEighths[32] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
                                                         2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3};
    const __m512i eighths = _mm512_load_si512(kEighths);  // k/8 for int16 k
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        const __m512i sc16 = _mm512_cvtepi8_epi16(_mm256_zextsi128_si256(q3_k_scales(x[i].scales)));
        const __m512i hm = _mm512_broadcast_i64x4(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x[i].hmask)));
        __m512i sumi = _mm512_setzero_si512();
        for (int h = 0; h < 2; ++h) {
            const __m512i low2 = _mm512_broadcast_i64x4(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x[i].qs + 32 * h)));
            for (int c = 0; c < 2; ++c) {  // elements 128h + 64c …: two 32-element quarters
                const int b = 4 * h + 2 * c;
                const __m512i q = _mm512_or_si512(bits(low2, 4 * c, 4 * c + 2, 3), _mm512_slli_epi16(bits(hm, b, b + 1, 1), 2));
                const __m512i a = _mm512_loadu_si512(y[i].qs + 128 * h + 64 * c);
                const __m512i p = _mm512_sub_epi16(_mm512_maddubs_epi16(q, a), _mm512_maddubs_epi16(m4, a));
                const __m512i idx = _mm512_add_epi16(_mm512_set1_epi16(static_cast<int16_t>(8 * h + 4 * c)), eighths);
                sumi = _mm512_dpwssd_epi32(sumi, p, _mm512_permutexvar_epi16(idx, sc16));
            }
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(y[i].d * f16(x[i].d)), _mm256_cvtepi32_ps(fold_lanes(sumi)), acc);
    }
    return hsum8(acc);
}

// IQ4_XS: sub-block s's 32 indices are qs[16s…16s+15] (element j low nibble, j+16 high). Two sub-blocks
// per register: the 32 bytes are spread to 128-bit lanes [s, s, s+1, s+1] and the lanes' nibbles picked
// low, high, low, high; a table lookup gives the signed levels.
float dot_iq4_xs(const void* w, const void* act, int64_t n) {
    const auto* x = static_cast<const BlockIQ4_XS*>(w);
    const auto* y = static_cast<const BlockQ8_K*>(act);
    const __m512i levels = _mm512_broadcast_i32x4(_mm_loadu_si128(reinterpret_cast<const __m128i*>(kIq4nlValues)));
    const __m512i nibble_shift = _mm512_inserti64x4(
        _mm512_castsi256_si512(_mm256_set_m128i(_mm_set1_epi16(4), _mm_setzero_si128())),
        _mm256_set_m128i(_mm_set1_epi16(4), _mm_setzero_si128()), 1);
    const __m512i m4 = _mm512_set1_epi8(0x0F);
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        const __m512i ls16 = iq4_xs_scales16(x[i].scales_h, x[i].scales_l);
        __m512i sumi = _mm512_setzero_si512();
        for (int s = 0; s < 8; s += 2) {
            const __m512i raw = _mm512_castsi256_si512(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x[i].qs + 16 * s)));
            const __m512i spread = _mm512_shuffle_i64x2(raw, raw, _MM_SHUFFLE(1, 1, 0, 0));
            const __m512i codes = _mm512_and_si512(_mm512_srlv_epi16(spread, nibble_shift), m4);
            const __m512i wv = _mm512_shuffle_epi8(levels, codes);
            const __m512i a = _mm512_loadu_si512(y[i].qs + 32 * s);
            const __m512i a_signed = _mm512_mask_sub_epi8(a, _mm512_movepi8_mask(wv), _mm512_setzero_si512(), a);
            const __m512i p = _mm512_maddubs_epi16(_mm512_abs_epi8(wv), a_signed);
            sumi = _mm512_dpwssd_epi32(sumi, p, _mm512_permutexvar_epi16(halves16(s, s + 1), ls16));
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(f16(x[i].d) * y[i].d), _mm256_cvtepi32_ps(fold_lanes(sumi)), acc);
    }
    return hsum8(acc);
}

}  // namespace

RowDot k_quant_dot(TensorType type) {
    switch (type) {
        case TensorType::Q2_K: return dot_q2_k;
        case TensorType::Q3_K: return dot_q3_k;
        case TensorType::Q4_K: return q4_k_row_dot<K4Isa>;
        case TensorType::Q5_K: return q5_k_row_dot<K4Isa>;
        case TensorType::Q6_K: return dot_q6_k;
        case TensorType::IQ4_XS: return dot_iq4_xs;
        default: return nullptr;
    }
}

}  // namespace chord::avx512
