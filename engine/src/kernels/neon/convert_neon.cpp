// NEON activation conversion: float rows → Q8_0 rows (llama.cpp's x86 rounding) or rounded floats.
#include <arm_neon.h>

#include "kernels/neon/neon_kernels.h"
#include "quant/blocks.h"
#include "quant/quant.h"

namespace chord::neon {

namespace {

uint16_t to_f16_bits(float f) { return vget_lane_u16(vreinterpret_u16_f16(vcvt_f16_f32(vdupq_n_f32(f))), 0); }

void quantize_block(const float* x, BlockQ8_0* out) {
    float32x4_t v[8];
    float32x4_t amax_v = vdupq_n_f32(0.0f);
    for (int i = 0; i < 8; ++i) {
        v[i] = vld1q_f32(x + 4 * i);
        amax_v = vmaxq_f32(amax_v, vabsq_f32(v[i]));
    }
    const float amax = vmaxvq_f32(amax_v);
    const float d = amax / 127.0f;
    const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
    out->d = to_f16_bits(d);
    for (int i = 0; i < 8; i += 2) {
        // vcvtnq: round to nearest, ties to even (nearbyintf's default mode).
        const int32x4_t q0 = vcvtnq_s32_f32(vmulq_n_f32(v[i], id));
        const int32x4_t q1 = vcvtnq_s32_f32(vmulq_n_f32(v[i + 1], id));
        const int16x8_t q16 = vcombine_s16(vqmovn_s32(q0), vqmovn_s32(q1));
        vst1_s8(out->qs + 4 * i, vqmovn_s16(q16));
    }
}

float32x4_t round_through_bf16(float32x4_t x) {
    const uint32x4_t u = vreinterpretq_u32_f32(x);
    const uint32x4_t lsb = vandq_u32(vshrq_n_u32(u, 16), vdupq_n_u32(1));
    const uint32x4_t rounded = vaddq_u32(u, vaddq_u32(vdupq_n_u32(0x7fff), lsb));
    const uint32x4_t quiet = vorrq_u32(u, vdupq_n_u32(0x00400000));
    const uint32x4_t is_num = vceqq_f32(x, x);
    const uint32x4_t r = vbslq_u32(is_num, rounded, quiet);
    return vreinterpretq_f32_u32(vandq_u32(r, vdupq_n_u32(0xFFFF0000u)));
}

float32x4_t round_through_f16(float32x4_t x) { return vcvt_f32_f16(vcvt_f16_f32(x)); }

}  // namespace

void convert_q8_0_rows(const float* x, int64_t n_in, int64_t t0, int64_t t1, uint8_t* act) {
    const int64_t nb = n_in / kQK8_0;
    for (int64_t t = t0; t < t1; ++t) {
        auto* rows = reinterpret_cast<BlockQ8_0*>(act) + t * nb;
        for (int64_t b = 0; b < nb; ++b) quantize_block(x + t * n_in + b * kQK8_0, rows + b);
    }
}

void convert_widened(const QuantFormat& w, const float* x, int64_t n_in, int64_t t0, int64_t t1, float* act) {
    const int64_t n = (t1 - t0) * n_in;
    const float* src = x + t0 * n_in;
    float* dst = act + t0 * n_in;
    const TensorType type = w.vec_dot_type;
    int64_t i = 0;
    const auto round = [type](float32x4_t v) {
        if (type == TensorType::F16) return round_through_f16(v);
        if (type == TensorType::BF16) return round_through_bf16(v);
        return v;
    };
    for (; i + 4 <= n; i += 4) vst1q_f32(dst + i, round(vld1q_f32(src + i)));
    for (; i < n; ++i) dst[i] = vgetq_lane_f32(round(vdupq_n_f32(src[i])), 0);
}

}  // namespace chord::neon
