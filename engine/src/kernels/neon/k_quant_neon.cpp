// NEON dots of K-quant (Q2_K … Q6_K) and IQ4_XS weight rows with Q8_K activation rows, with SDOT (dotprod) or, on
// CPUs without it (Cortex-A53), widening multiplies and pairwise adds.
//
// Integers: weights become signed bytes (Q6_K: q − 32; IQ4_XS: table levels) and each 16-byte dot leaves
// 4 int32 lanes of 4 consecutive products; sub-block scales multiply those lanes. Every integer is exact.
// Floats: the scalar references' steps exactly (llama.cpp's x86 order, quant/x86_lanes.h), so every
// result is bit-identical to them on any CPU. x86 lanes 0-3 are elements 0-15 of every 32 (register a),
// lanes 4-7 elements 16-31 (register b).
#include <arm_neon.h>

#include <cmath>

#include "kernels/k4_row_dots.h"
#include "kernels/k_quant_scales.h"
#include "kernels/neon/lanes_neon.h"
#include "kernels/neon/neon_kernels.h"
#include "quant/blocks.h"
#include "quant/blocks_k.h"

namespace chord::neon {

namespace {

// Q4_K / Q5_K: sub-blocks 2p and 2p+1 are the low and high nibbles of qs[32p…32p+31]; kFifth adds
// Q5_K's fifth bit, bit s of qh[l] for element 32s + l. Lanes as above in ia / ib.
template <typename D, bool kFifth>
void k4_lanes(const uint8_t* qs, const uint8_t* qh, const int8_t* q8, const uint8_t sc[8], int32x4_t& ia,
              int32x4_t& ib) {
    const uint8x16_t m4 = vdupq_n_u8(0x0F), one = vdupq_n_u8(1);
    const uint8x16_t h0 = kFifth ? vld1q_u8(qh) : vdupq_n_u8(0), h1 = kFifth ? vld1q_u8(qh + 16) : vdupq_n_u8(0);
    const int32x4_t zero = vdupq_n_s32(0);
    ia = ib = zero;
    for (int s = 0; s < 8; ++s) {
        const uint8x16_t r0 = vld1q_u8(qs + 32 * (s / 2)), r1 = vld1q_u8(qs + 32 * (s / 2) + 16);
        uint8x16_t w0 = s % 2 ? vshrq_n_u8(r0, 4) : vandq_u8(r0, m4);
        uint8x16_t w1 = s % 2 ? vshrq_n_u8(r1, 4) : vandq_u8(r1, m4);
        if (kFifth) {
            const int8x16_t down = vdupq_n_s8(static_cast<int8_t>(-s));
            w0 = vorrq_u8(w0, vshlq_n_u8(vandq_u8(vshlq_u8(h0, down), one), 4));
            w1 = vorrq_u8(w1, vshlq_n_u8(vandq_u8(vshlq_u8(h1, down), one), 4));
        }
        const int8_t* a = q8 + 32 * s;
        ia = vmlaq_n_s32(ia, D::dot(zero, s8(w0), vld1q_s8(a)), sc[s]);
        ib = vmlaq_n_s32(ib, D::dot(zero, s8(w1), vld1q_s8(a + 16)), sc[s]);
    }
}

// The integer parts of the Q4_K / Q5_K row dots (kernels/k4_row_dots.h has their float steps).
struct Lanes {
    int32x4_t a, b;  // x86 lanes 0-3, 4-7
};
struct NeonLanes8 : Lanes8 {
    void add(float d, Lanes l) { Lanes8::add(d, l.a, l.b); }
};
template <typename D>
struct K4Isa {
    using Lanes = neon::Lanes;
    using Lanes8 = NeonLanes8;
    static float f16(uint16_t h) { return neon::f16(h); }
    static K4Sums q4_k_sums(const BlockQ4_K& x, const BlockQ8_K& y) {
        uint8_t sc[8], mn[8];
        unpack_k4_scales(x.scales, sc, mn);
        int32x4_t ia, ib;
        k4_lanes<D, false>(x.qs, nullptr, y.qs, sc, ia, ib);
        return {vaddvq_s32(vaddq_s32(ia, ib)), k4_min_sum(y.bsums, mn)};
    }
    static Lanes q5_k_lanes(const BlockQ5_K& x, const BlockQ8_K& y, int32_t& min_sum) {
        uint8_t sc[8], mn[8];
        unpack_k4_scales(x.scales, sc, mn);
        min_sum = k4_min_sum(y.bsums, mn);
        Lanes l;
        k4_lanes<D, true>(x.qs, x.qh, y.qs, sc, l.a, l.b);
        return l;
    }
};

// Q6_K: per half h, ql[64h + l] holds elements l (low nibble) and 64+l (high), ql[64h + 32 + l] elements
// 32+l and 96+l; qh[32h + l] the top 2 bits of l, 32+l, 64+l, 96+l. Sub-blocks are 16 elements, so each
// 16-byte dot has its own scale.
template <typename D>
float dot_q6_k(const void* w, const void* act, int64_t n) {
    const auto* x = static_cast<const BlockQ6_K*>(w);
    const auto* y = static_cast<const BlockQ8_K*>(act);
    const uint8x16_t m4 = vdupq_n_u8(0x0F), m3 = vdupq_n_u8(3);
    const int8x16_t m32 = vdupq_n_s8(32);
    const int32x4_t zero = vdupq_n_s32(0);
    Lanes8 acc;
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        int32x4_t ia = zero, ib = zero;
        for (int h = 0; h < 2; ++h) {
            const uint8_t* ql = x[i].ql + 64 * h;
            const uint8x16_t qh[2] = {vld1q_u8(x[i].qh + 32 * h), vld1q_u8(x[i].qh + 32 * h + 16)};
            for (int c = 0; c < 4; ++c) {  // elements 128h + 32c …, from ql[32·(c%2)…] nibble c/2
                const int8_t* a = y[i].qs + 128 * h + 32 * c;
                const int s = 8 * h + 2 * c;
                int32x4_t* lanes[2] = {&ia, &ib};
                for (int k = 0; k < 2; ++k) {  // elements 16k … 16k+15 of the chunk
                    const uint8x16_t raw = vld1q_u8(ql + 32 * (c % 2) + 16 * k);
                    const uint8x16_t low = c < 2 ? vandq_u8(raw, m4) : vshrq_n_u8(raw, 4);
                    const uint8x16_t top = vandq_u8(vshlq_u8(qh[k], vdupq_n_s8(static_cast<int8_t>(-2 * c))), m3);
                    const int8x16_t q = vsubq_s8(s8(vorrq_u8(low, vshlq_n_u8(top, 4))), m32);
                    *lanes[k] = vmlaq_n_s32(*lanes[k], D::dot(zero, q, vld1q_s8(a + 16 * k)), x[i].scales[s + k]);
                }
            }
        }
        acc.add(y[i].d * f16(x[i].d), ia, ib);
    }
    return acc.sum();
}

// Q2_K: qs[32h + l] holds the 2-bit codes of elements 128h + l, +32, +64, +96 (bits 0-1 … 6-7); sub-blocks
// of 16 with 4-bit scales (low nibble) and mins (high nibble). llama.cpp's repacked-Q2_K order: whole
// super-block integer sums, two fused float sums.
template <typename D>
float dot_q2_k(const void* w, const void* act, int64_t n) {
    const auto* x = static_cast<const BlockQ2_K*>(w);
    const auto* y = static_cast<const BlockQ8_K*>(act);
    const uint8x16_t m3 = vdupq_n_u8(3);
    const int32x4_t zero = vdupq_n_s32(0);
    float acc = 0.0f, acc_min = 0.0f;
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        int32_t min_sum = 0;
        for (int s = 0; s < 16; ++s) min_sum += y[i].bsums[s] * (x[i].scales[s] >> 4);
        int32x4_t sumi = zero;
        for (int h = 0; h < 2; ++h) {
            const uint8x16_t q[2] = {vld1q_u8(x[i].qs + 32 * h), vld1q_u8(x[i].qs + 32 * h + 16)};
            for (int c = 0; c < 4; ++c) {  // elements 128h + 32c …: sub-blocks 8h + 2c (k = 0) and + 1
                for (int k = 0; k < 2; ++k) {
                    const int s = 8 * h + 2 * c + k;
                    const uint8x16_t codes = vandq_u8(vshlq_u8(q[k], vdupq_n_s8(static_cast<int8_t>(-2 * c))), m3);
                    sumi = vmlaq_n_s32(sumi, D::dot(zero, s8(codes), vld1q_s8(y[i].qs + 16 * s)), x[i].scales[s] & 0xF);
                }
            }
        }
        acc = std::fma(static_cast<float>(vaddvq_s32(sumi)), f16(x[i].d) * y[i].d, acc);
        acc_min = std::fma(static_cast<float>(min_sum), f16(x[i].dmin) * y[i].d, acc_min);
    }
    return acc - acc_min;
}

// Q3_K: for half h, qs[32h + l] holds the 2 low bits of elements 128h + l, +32, +64, +96 (bits 0-1 … 6-7)
// and bit b of hmask[l] the high bit of element 32b + l; value = (low | high<<2) − 4. Sub-blocks of 16.
template <typename D>
float dot_q3_k(const void* w, const void* act, int64_t n) {
    const auto* x = static_cast<const BlockQ3_K*>(w);
    const auto* y = static_cast<const BlockQ8_K*>(act);
    const uint8x16_t m3 = vdupq_n_u8(3), one = vdupq_n_u8(1);
    const int8x16_t four = vdupq_n_s8(4);
    const int32x4_t zero = vdupq_n_s32(0);
    Lanes8 acc;
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        int8_t scales[16];
        unpack_q3_k_scales(x[i].scales, scales);
        const uint8x16_t hm[2] = {vld1q_u8(x[i].hmask), vld1q_u8(x[i].hmask + 16)};
        int32x4_t ia = zero, ib = zero;
        int32x4_t* lanes[2] = {&ia, &ib};
        for (int h = 0; h < 2; ++h) {
            const uint8x16_t low2[2] = {vld1q_u8(x[i].qs + 32 * h), vld1q_u8(x[i].qs + 32 * h + 16)};
            for (int c = 0; c < 4; ++c) {  // elements 128h + 32c …
                const int8_t* a = y[i].qs + 128 * h + 32 * c;
                for (int k = 0; k < 2; ++k) {  // elements 16k … 16k+15 of the quarter
                    const uint8x16_t low = vandq_u8(vshlq_u8(low2[k], vdupq_n_s8(static_cast<int8_t>(-2 * c))), m3);
                    const uint8x16_t high = vandq_u8(vshlq_u8(hm[k], vdupq_n_s8(static_cast<int8_t>(-(4 * h + c)))), one);
                    const int8x16_t q = vsubq_s8(s8(vorrq_u8(low, vshlq_n_u8(high, 2))), four);
                    *lanes[k] = vmlaq_n_s32(*lanes[k], D::dot(zero, q, vld1q_s8(a + 16 * k)), scales[8 * h + 2 * c + k]);
                }
            }
        }
        acc.add(y[i].d * f16(x[i].d), ia, ib);
    }
    return acc.sum();
}

// IQ4_XS: sub-block s's indices are qs[16s…16s+15], element j in the low nibble, j+16 in the high one.
template <typename D>
float dot_iq4_xs(const void* w, const void* act, int64_t n) {
    const auto* x = static_cast<const BlockIQ4_XS*>(w);
    const auto* y = static_cast<const BlockQ8_K*>(act);
    const int8x16_t levels = vld1q_s8(kIq4nlValues);
    const uint8x16_t m4 = vdupq_n_u8(0x0F);
    const int32x4_t zero = vdupq_n_s32(0);
    Lanes8 acc;
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        int32x4_t ia = zero, ib = zero;
        for (int s = 0; s < 8; ++s) {
            const uint8x16_t raw = vld1q_u8(x[i].qs + 16 * s);
            const int8x16_t lo = vqtbl1q_s8(levels, vandq_u8(raw, m4));
            const int8x16_t hi = vqtbl1q_s8(levels, vshrq_n_u8(raw, 4));
            const int ls = iq4_xs_scale(x[i].scales_h, x[i].scales_l, s);
            const int8_t* a = y[i].qs + 32 * s;
            ia = vmlaq_n_s32(ia, D::dot(zero, lo, vld1q_s8(a)), ls);
            ib = vmlaq_n_s32(ib, D::dot(zero, hi, vld1q_s8(a + 16)), ls);
        }
        acc.add(f16(x[i].d) * y[i].d, ia, ib);
    }
    return acc.sum();
}

template <typename D>
RowDot k_quant_dot(TensorType type) {
    switch (type) {
        case TensorType::Q2_K: return dot_q2_k<D>;
        case TensorType::Q3_K: return dot_q3_k<D>;
        case TensorType::Q4_K: return q4_k_row_dot<K4Isa<D>>;
        case TensorType::Q5_K: return q5_k_row_dot<K4Isa<D>>;
        case TensorType::Q6_K: return dot_q6_k<D>;
        case TensorType::IQ4_XS: return dot_iq4_xs<D>;
        default: return nullptr;
    }
}

}  // namespace

RowDot k_quant_dot_dotprod(TensorType type) { return k_quant_dot<DotProd>(type); }
RowDot k_quant_dot_base(TensorType type) { return k_quant_dot<Base>(type); }

}  // namespace chord::neon
