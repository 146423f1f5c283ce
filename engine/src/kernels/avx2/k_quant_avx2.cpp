// AVX2 dots of K-quant (Q2_K … Q6_K) and IQ4_XS weight rows with Q8_K activation rows.
//
// Integers: maddubs multiplies the unsigned weight codes (IQ4_XS: |w| with sign(a, w)) by the signed
// activation bytes into 16-bit pairs that never saturate (≤ 63·127·2), madd multiplies those by the
// 16-bit sub-block scales into int32 lanes. Every integer is exact.
// Floats: the scalar references' steps exactly (llama.cpp's x86 order, quant/x86_lanes.h), so every
// result is bit-identical to them. A register holds 32 consecutive elements, so its int32 lane l is
// x86 lane l (elements 4l…4l+3 of every 32).
#include "kernels/x86_intrinsics.h"

#include <cmath>

#include "kernels/avx2/avx2_kernels.h"
#include "kernels/avx2/lanes_avx2.h"
#include "kernels/k4_row_dots.h"
#include "kernels/k_quant_scales.h"
#include "kernels/x86_k4_scales.h"
#include "quant/blocks.h"
#include "quant/blocks_k.h"

namespace chord::avx2 {

namespace {

// Σ scale · (pairs of 16-bit products) into int32 lanes.
__m256i scaled(__m256i p16, int scale) { return _mm256_madd_epi16(p16, _mm256_set1_epi16(static_cast<int16_t>(scale))); }

// Q4_K / Q5_K: sub-blocks 2p and 2p+1 are the low and high nibbles of qs[32p…32p+31]; kFifth adds
// Q5_K's fifth bit, bit s of qh[l] for element 32s + l.
template <bool kFifth>
__m256i k4_lanes(const uint8_t* qs, const uint8_t* qh, const int8_t* q8, const uint8_t sc[8]) {
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    const __m256i one = _mm256_set1_epi8(1);
    const __m256i high = kFifth ? load(qh) : _mm256_setzero_si256();
    __m256i sumi = _mm256_setzero_si256();
    for (int p = 0; p < 4; ++p) {
        const __m256i q = load(qs + 32 * p);
        __m256i lo = _mm256_and_si256(q, m4);
        __m256i hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), m4);
        if (kFifth) {
            lo = _mm256_or_si256(lo, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(high, 2 * p), one), 4));
            hi = _mm256_or_si256(hi, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(high, 2 * p + 1), one), 4));
        }
        const __m256i s_lo = scaled(_mm256_maddubs_epi16(lo, load(q8 + 64 * p)), sc[2 * p]);
        const __m256i s_hi = scaled(_mm256_maddubs_epi16(hi, load(q8 + 64 * p + 32)), sc[2 * p + 1]);
        sumi = _mm256_add_epi32(sumi, _mm256_add_epi32(s_lo, s_hi));
    }
    return sumi;
}

// The integer parts of the Q4_K / Q5_K row dots (kernels/k4_row_dots.h has their float steps).
struct K4Isa {
    using Lanes = __m256i;
    using Lanes8 = X86Lanes8;
    static float f16(uint16_t h) { return avx2::f16(h); }
    static K4Sums q4_k_sums(const BlockQ4_K& x, const BlockQ8_K& y) {
        uint8_t sc[8], mn[8];
        unpack_k4_scales(x.scales, sc, mn);
        const __m256i sums = k4_lanes<false>(x.qs, nullptr, y.qs, sc);
        const __m256i mins = _mm256_madd_epi16(k4_group_mins(k4_scales_mins(x.scales)), load(y.bsums));
        // Both horizontal sums at once: lane 0 Σ sums, lane 1 Σ mins.
        const __m256i h = _mm256_hadd_epi32(_mm256_hadd_epi32(sums, mins), _mm256_setzero_si256());
        const __m128i r = _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
        return {_mm_cvtsi128_si32(r), _mm_extract_epi32(r, 1)};
    }
    static Lanes q5_k_lanes(const BlockQ5_K& x, const BlockQ8_K& y, int32_t& min_sum) {
        uint8_t sc[8], mn[8];
        unpack_k4_scales(x.scales, sc, mn);
        min_sum = hsum_i32(_mm256_madd_epi16(k4_group_mins(k4_scales_mins(x.scales)), load(y.bsums)));
        return k4_lanes<true>(x.qs, x.qh, y.qs, sc);
    }
};

// Q6_K: per half h, ql[64h + l] holds elements l (low nibble) and 64+l (high), ql[64h + 32 + l] elements
// 32+l and 96+l; qh[32h + l] the top 2 bits of l, 32+l, 64+l, 96+l. Codes enter unsigned (value + 32)
// and 32·a is taken off every 16-bit pair.
float dot_q6_k(const void* w, const void* act, int64_t n) {
    const auto* x = static_cast<const BlockQ6_K*>(w);
    const auto* y = static_cast<const BlockQ8_K*>(act);
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    const __m256i m2 = _mm256_set1_epi8(3);
    const __m256i m32 = _mm256_set1_epi8(32);
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        __m256i sumi = _mm256_setzero_si256();
        for (int h = 0; h < 2; ++h) {
            const __m256i ql0 = load(x[i].ql + 64 * h);
            const __m256i ql1 = load(x[i].ql + 64 * h + 32);
            const __m256i qh = load(x[i].qh + 32 * h);
            const __m256i low[4] = {_mm256_and_si256(ql0, m4), _mm256_and_si256(ql1, m4),
                                    _mm256_and_si256(_mm256_srli_epi16(ql0, 4), m4),
                                    _mm256_and_si256(_mm256_srli_epi16(ql1, 4), m4)};
            for (int c = 0; c < 4; ++c) {  // elements 128h + 32c …
                const __m256i top = _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2 * c), m2), 4);
                const __m256i q = _mm256_or_si256(low[c], top);
                const __m256i a = load(y[i].qs + 128 * h + 32 * c);
                const __m256i p = _mm256_sub_epi16(_mm256_maddubs_epi16(q, a), _mm256_maddubs_epi16(m32, a));
                // 16-bit lanes 0-7 are sub-block 8h + 2c, lanes 8-15 sub-block 8h + 2c + 1.
                const int s = 8 * h + 2 * c;
                const __m256i sc = _mm256_set_m128i(_mm_set1_epi16(x[i].scales[s + 1]), _mm_set1_epi16(x[i].scales[s]));
                sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(p, sc));
            }
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(y[i].d * f16(x[i].d)), _mm256_cvtepi32_ps(sumi), acc);
    }
    return hsum8(acc);
}

// Q3_K: for half h, qs[32h + l] holds the 2 low bits of elements 128h + l, +32, +64, +96 (bits 0-1 … 6-7)
// and bit b of hmask[l] the high bit of element 32b + l. Codes enter unsigned (value + 4 = low | high<<2)
// and 4·a is taken off every 16-bit pair; sub-blocks of 16 as Q6_K.
float dot_q3_k(const void* w, const void* act, int64_t n) {
    const auto* x = static_cast<const BlockQ3_K*>(w);
    const auto* y = static_cast<const BlockQ8_K*>(act);
    const __m256i m3 = _mm256_set1_epi8(3);
    const __m256i one = _mm256_set1_epi8(1);
    const __m256i m4 = _mm256_set1_epi8(4);
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        int8_t scales[16];
        unpack_q3_k_scales(x[i].scales, scales);
        const __m256i hm = load(x[i].hmask);
        __m256i sumi = _mm256_setzero_si256();
        for (int h = 0; h < 2; ++h) {
            const __m256i low2 = load(x[i].qs + 32 * h);
            for (int c = 0; c < 4; ++c) {  // elements 128h + 32c …
                const __m256i low = _mm256_and_si256(_mm256_srli_epi16(low2, 2 * c), m3);
                const __m256i high = _mm256_and_si256(_mm256_srli_epi16(hm, 4 * h + c), one);
                const __m256i q = _mm256_or_si256(low, _mm256_slli_epi16(high, 2));
                const __m256i a = load(y[i].qs + 128 * h + 32 * c);
                const __m256i p = _mm256_sub_epi16(_mm256_maddubs_epi16(q, a), _mm256_maddubs_epi16(m4, a));
                // 16-bit lanes 0-7 are sub-block 8h + 2c, lanes 8-15 sub-block 8h + 2c + 1.
                const int s = 8 * h + 2 * c;
                const __m256i sc = _mm256_set_m128i(_mm_set1_epi16(scales[s + 1]), _mm_set1_epi16(scales[s]));
                sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(p, sc));
            }
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(y[i].d * f16(x[i].d)), _mm256_cvtepi32_ps(sumi), acc);
    }
    return hsum8(acc);
}

// Q2_K: qs[32h + l] holds the 2-bit codes of elements 128h + l, +32, +64, +96 (bits 0-1 … 6-7); sub-blocks
// of 16 with 4-bit scales (low nibble) and mins (high nibble). llama.cpp's repacked-Q2_K order: whole
// super-block integer sums, two fused float sums.
float dot_q2_k(const void* w, const void* act, int64_t n) {
    const auto* x = static_cast<const BlockQ2_K*>(w);
    const auto* y = static_cast<const BlockQ8_K*>(act);
    const __m256i m3 = _mm256_set1_epi8(3);
    const __m128i m4 = _mm_set1_epi8(0x0F);
    float acc = 0.0f, acc_min = 0.0f;
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        const __m128i packed = _mm_loadu_si128(reinterpret_cast<const __m128i*>(x[i].scales));
        const __m256i mins = _mm256_cvtepu8_epi16(_mm_and_si128(_mm_srli_epi16(packed, 4), m4));
        const int32_t min_sum = hsum_i32(_mm256_madd_epi16(mins, load(y[i].bsums)));
        alignas(16) uint8_t sc[16];
        _mm_store_si128(reinterpret_cast<__m128i*>(sc), _mm_and_si128(packed, m4));
        __m256i sumi = _mm256_setzero_si256();
        for (int h = 0; h < 2; ++h) {
            const __m256i q = load(x[i].qs + 32 * h);
            for (int c = 0; c < 4; ++c) {  // elements 128h + 32c …: 16-bit lanes 0-7 sub-block s, 8-15 s + 1
                const int s = 8 * h + 2 * c;
                const __m256i p = _mm256_maddubs_epi16(_mm256_and_si256(_mm256_srli_epi16(q, 2 * c), m3),
                                                       load(y[i].qs + 128 * h + 32 * c));
                const __m256i scale = _mm256_set_m128i(_mm_set1_epi16(sc[s + 1]), _mm_set1_epi16(sc[s]));
                sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(p, scale));
            }
        }
        acc = std::fma(static_cast<float>(hsum_i32(sumi)), f16(x[i].d) * y[i].d, acc);
        acc_min = std::fma(static_cast<float>(min_sum), f16(x[i].dmin) * y[i].d, acc_min);
    }
    return acc - acc_min;
}

// IQ4_XS: sub-block s's indices are qs[16s…16s+15], element j in the low nibble, j+16 in the high one.
float dot_iq4_xs(const void* w, const void* act, int64_t n) {
    const auto* x = static_cast<const BlockIQ4_XS*>(w);
    const auto* y = static_cast<const BlockQ8_K*>(act);
    const __m256i levels = _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(kIq4nlValues)));
    const __m128i m4 = _mm_set1_epi8(0x0F);
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        __m256i sumi = _mm256_setzero_si256();
        for (int s = 0; s < 8; ++s) {
            const __m128i raw = _mm_loadu_si128(reinterpret_cast<const __m128i*>(x[i].qs + 16 * s));
            const __m256i codes = _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(raw, 4), m4), _mm_and_si128(raw, m4));
            const __m256i wv = _mm256_shuffle_epi8(levels, codes);
            const __m256i a = load(y[i].qs + 32 * s);
            const __m256i p = _mm256_maddubs_epi16(_mm256_sign_epi8(wv, wv), _mm256_sign_epi8(a, wv));
            sumi = _mm256_add_epi32(sumi, scaled(p, iq4_xs_scale(x[i].scales_h, x[i].scales_l, s)));
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(f16(x[i].d) * y[i].d), _mm256_cvtepi32_ps(sumi), acc);
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

}  // namespace chord::avx2
