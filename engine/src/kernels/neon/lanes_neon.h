#pragma once
// Pieces of the NEON row-dot kernels (k_quant_neon.cpp, block32_neon.cpp): the 4-product dot with SDOT
// (dotprod) or without it (Cortex-A53), and llama.cpp's x86 float steps on 8 lanes. Internal linkage: this
// folder alone is compiled with dotprod enabled.
#include <arm_neon.h>

#include <cstdint>

namespace chord::neon {
namespace {

inline float f16(uint16_t h) { return vgetq_lane_f32(vcvt_f32_f16(vreinterpret_f16_u16(vdup_n_u16(h))), 0); }

inline int8x16_t s8(uint8x16_t v) { return vreinterpretq_s8_u8(v); }

// acc lane j += Σ a[4j…4j+3]·b[4j…4j+3].
struct DotProd {
    static int32x4_t dot(int32x4_t acc, int8x16_t a, int8x16_t b) { return vdotq_s32(acc, a, b); }
};
struct Base {
    static int32x4_t dot(int32x4_t acc, int8x16_t a, int8x16_t b) {
        const int32x4_t pairs_lo = vpaddlq_s16(vmull_s8(vget_low_s8(a), vget_low_s8(b)));  // products 0+1 … 6+7
        const int32x4_t pairs_hi = vpaddlq_s16(vmull_high_s8(a, b));                       // 8+9 … 14+15
        return vaddq_s32(acc, vpaddq_s32(pairs_lo, pairs_hi));
    }
};

// The x86 float steps: 8 lanes (a: 0-3, b: 4-7) scaled by d into fused sums, reduced as hsum_float_8.
struct Lanes8 {
    float32x4_t a = vdupq_n_f32(0.0f), b = vdupq_n_f32(0.0f);
    void add(float d, int32x4_t ia, int32x4_t ib) {
        a = vfmaq_f32(a, vcvtq_f32_s32(ia), vdupq_n_f32(d));
        b = vfmaq_f32(b, vcvtq_f32_s32(ib), vdupq_n_f32(d));
    }
    float sum() const {
        const float32x4_t s = vaddq_f32(a, b);                             // lane i + lane i+4
        const float32x2_t t = vadd_f32(vget_low_f32(s), vget_high_f32(s));  // (0+2), (1+3)
        return vget_lane_f32(t, 0) + vget_lane_f32(t, 1);
    }
};

}  // namespace
}  // namespace chord::neon
