// NEON dots of the 32-element block formats: Q4_1 and Q5_1 weights with Q8_1 activation rows, Q5_0 and
// IQ4_NL weights with Q8_0 rows; with SDOT (dotprod) or, on CPUs without it (Cortex-A53), widening
// multiplies and pairwise adds (neon/lanes_neon.h).
//
// Integers: a block's weights become signed bytes in two registers (elements 0-15: low nibbles of qs,
// 16-31: high nibbles; Q5 adds the fifth bit, Q5_0 takes 16 off, IQ4_NL looks the levels up) and each
// 16-byte dot leaves 4 int32 lanes of 4 consecutive products. Every integer is exact.
// Floats: the scalar references' steps exactly (llama.cpp's x86 order): Q4_1 / Q5_0 / Q5_1 fuse every
// block's 8 lanes into 8 running sums reduced as hsum_float_8; IQ4_NL fuses whole-block sums into one.
#include <arm_neon.h>

#include <cmath>
#include <cstring>

#include "kernels/neon/lanes_neon.h"
#include "kernels/neon/neon_kernels.h"
#include "quant/blocks.h"

namespace chord::neon {

namespace {

// A block's codes: lo = elements 0-15 (low nibbles), hi = elements 16-31 (high nibbles).
struct Codes {
    uint8x16_t lo, hi;
};

Codes nibbles(const uint8_t* qs) {
    const uint8x16_t raw = vld1q_u8(qs);
    return {vandq_u8(raw, vdupq_n_u8(0x0F)), vshrq_n_u8(raw, 4)};
}

// Q5's fifth bit: 0x10 in byte j where bit j of the little-endian qh is set.
Codes with_fifth_bits(Codes c, const uint8_t* qh) {
    uint32_t bits;
    std::memcpy(&bits, qh, 4);
    const uint8x16_t bit = vreinterpretq_u8_u64(vdupq_n_u64(0x8040201008040201ull));
    const uint8x16_t sixteen = vdupq_n_u8(0x10);
    auto spread = [&](uint32_t b) {  // byte j of 16 takes byte j/8 of b, tests its bit j%8
        const uint8x16_t bytes = vcombine_u8(vdup_n_u8(static_cast<uint8_t>(b)), vdup_n_u8(static_cast<uint8_t>(b >> 8)));
        return vandq_u8(vtstq_u8(bytes, bit), sixteen);
    };
    return {vorrq_u8(c.lo, spread(bits)), vorrq_u8(c.hi, spread(bits >> 16))};
}

template <typename D>
float dot_q4_1(const void* w, const void* act, int64_t n) {
    const auto* x = static_cast<const BlockQ4_1*>(w);
    const auto* y = static_cast<const BlockQ8_1*>(act);
    const int32x4_t zero = vdupq_n_s32(0);
    Lanes8 acc;
    float min_terms = 0.0f;
    for (int64_t i = 0; i < n / kQK4_1; ++i) {
        min_terms = std::fma(f16(x[i].m), f16(y[i].s), min_terms);
        const Codes q = nibbles(x[i].qs);
        acc.add(f16(x[i].d) * f16(y[i].d), D::dot(zero, s8(q.lo), vld1q_s8(y[i].qs)),
                D::dot(zero, s8(q.hi), vld1q_s8(y[i].qs + 16)));
    }
    return acc.sum() + min_terms;
}

template <typename D>
float dot_q5_1(const void* w, const void* act, int64_t n) {
    const auto* x = static_cast<const BlockQ5_1*>(w);
    const auto* y = static_cast<const BlockQ8_1*>(act);
    const int32x4_t zero = vdupq_n_s32(0);
    Lanes8 acc;
    float min_terms = 0.0f;
    for (int64_t i = 0; i < n / kQK5_1; ++i) {
        min_terms = std::fma(f16(x[i].m), f16(y[i].s), min_terms);
        const Codes q = with_fifth_bits(nibbles(x[i].qs), x[i].qh);
        acc.add(f16(x[i].d) * f16(y[i].d), D::dot(zero, s8(q.lo), vld1q_s8(y[i].qs)),
                D::dot(zero, s8(q.hi), vld1q_s8(y[i].qs + 16)));
    }
    return acc.sum() + min_terms;
}

template <typename D>
float dot_q5_0(const void* w, const void* act, int64_t n) {
    const auto* x = static_cast<const BlockQ5_0*>(w);
    const auto* y = static_cast<const BlockQ8_0*>(act);
    const int32x4_t zero = vdupq_n_s32(0);
    const int8x16_t sixteen = vdupq_n_s8(16);
    Lanes8 acc;
    for (int64_t i = 0; i < n / kQK5_0; ++i) {
        const Codes q = with_fifth_bits(nibbles(x[i].qs), x[i].qh);
        acc.add(f16(x[i].d) * f16(y[i].d), D::dot(zero, vsubq_s8(s8(q.lo), sixteen), vld1q_s8(y[i].qs)),
                D::dot(zero, vsubq_s8(s8(q.hi), sixteen), vld1q_s8(y[i].qs + 16)));
    }
    return acc.sum();
}

template <typename D>
float dot_iq4_nl(const void* w, const void* act, int64_t n) {
    const auto* x = static_cast<const BlockIQ4_NL*>(w);
    const auto* y = static_cast<const BlockQ8_0*>(act);
    const int8x16_t levels = vld1q_s8(kIq4nlValues);
    const int32x4_t zero = vdupq_n_s32(0);
    float acc = 0.0f;
    for (int64_t i = 0; i < n / kQK4_NL; ++i) {
        const Codes q = nibbles(x[i].qs);
        const int32x4_t lanes = D::dot(D::dot(zero, vqtbl1q_s8(levels, q.lo), vld1q_s8(y[i].qs)),
                                       vqtbl1q_s8(levels, q.hi), vld1q_s8(y[i].qs + 16));
        acc = std::fma(static_cast<float>(vaddvq_s32(lanes)), f16(x[i].d) * f16(y[i].d), acc);
    }
    return acc;
}

template <typename D>
RowDot block32_dot(TensorType type) {
    switch (type) {
        case TensorType::Q4_1: return dot_q4_1<D>;
        case TensorType::Q5_0: return dot_q5_0<D>;
        case TensorType::Q5_1: return dot_q5_1<D>;
        case TensorType::IQ4_NL: return dot_iq4_nl<D>;
        default: return nullptr;
    }
}

}  // namespace

RowDot block32_dot_dotprod(TensorType type) { return block32_dot<DotProd>(type); }
RowDot block32_dot_base(TensorType type) { return block32_dot<Base>(type); }

}  // namespace chord::neon
