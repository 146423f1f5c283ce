// NEON attention inner loops (the contract is in attention/attention_kernels.h): f32 products and
// sums, F16 widened exactly; 4 lanes per step, scalar tails. Only base Armv8-A instructions.
#include <arm_neon.h>

#include "attention/attention_kernels.h"
#include "kernels/attention_tables.h"
#include "kernels/neon/exp_neon.h"

namespace chord {

namespace {

float32x4_t load_f16(const uint16_t* p) { return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(p))); }
float f16(uint16_t h) { return vgetq_lane_f32(vcvt_f32_f16(vreinterpret_f16_u16(vdup_n_u16(h))), 0); }

float dot_f32(const float* a, const float* b, int n) {
    float32x4_t acc0 = vdupq_n_f32(0.0f), acc1 = vdupq_n_f32(0.0f);
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        acc0 = vfmaq_f32(acc0, vld1q_f32(a + i), vld1q_f32(b + i));
        acc1 = vfmaq_f32(acc1, vld1q_f32(a + i + 4), vld1q_f32(b + i + 4));
    }
    for (; i + 4 <= n; i += 4) acc0 = vfmaq_f32(acc0, vld1q_f32(a + i), vld1q_f32(b + i));
    float sum = vaddvq_f32(vaddq_f32(acc0, acc1));
    for (; i < n; ++i) sum += a[i] * b[i];
    return sum;
}

float dot_f32_f16(const float* a, const uint16_t* b, int n) {
    float32x4_t acc0 = vdupq_n_f32(0.0f), acc1 = vdupq_n_f32(0.0f);
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        acc0 = vfmaq_f32(acc0, vld1q_f32(a + i), load_f16(b + i));
        acc1 = vfmaq_f32(acc1, vld1q_f32(a + i + 4), load_f16(b + i + 4));
    }
    for (; i + 4 <= n; i += 4) acc0 = vfmaq_f32(acc0, vld1q_f32(a + i), load_f16(b + i));
    float sum = vaddvq_f32(vaddq_f32(acc0, acc1));
    for (; i < n; ++i) sum += a[i] * f16(b[i]);
    return sum;
}

void axpy_f32(float* y, float a, const float* x, int n) {
    int i = 0;
    for (; i + 4 <= n; i += 4) vst1q_f32(y + i, vfmaq_n_f32(vld1q_f32(y + i), vld1q_f32(x + i), a));
    for (; i < n; ++i) y[i] += a * x[i];
}

void axpy_f16(float* y, float a, const uint16_t* x, int n) {
    int i = 0;
    for (; i + 4 <= n; i += 4) vst1q_f32(y + i, vfmaq_n_f32(vld1q_f32(y + i), load_f16(x + i), a));
    for (; i < n; ++i) y[i] += a * f16(x[i]);
}

void scale_f32(float* y, float a, int n) {
    int i = 0;
    for (; i + 4 <= n; i += 4) vst1q_f32(y + i, vmulq_n_f32(vld1q_f32(y + i), a));
    for (; i < n; ++i) y[i] *= a;
}

void f16_to_f32(const uint16_t* src, float* dst, int n) {
    int i = 0;
    for (; i + 4 <= n; i += 4) vst1q_f32(dst + i, load_f16(src + i));
    for (; i < n; ++i) dst[i] = f16(src[i]);
}

void round_through_f16(const float* src, float* dst, int n) {
    int i = 0;
    for (; i + 4 <= n; i += 4) vst1q_f32(dst + i, vcvt_f32_f16(vcvt_f16_f32(vld1q_f32(src + i))));
    for (; i < n; ++i) dst[i] = vgetq_lane_f32(vcvt_f32_f16(vcvt_f16_f32(vdupq_n_f32(src[i]))), 0);
}

// Σ in double, as ggml's softmax.
double exp_shifted(float* s, int n, float max) {
    const float32x4_t mv = vdupq_n_f32(max);
    float64x2_t sum = vdupq_n_f64(0.0);
    int i = 0;
    for (; i + 4 <= n; i += 4) {
        const float32x4_t e = neon::exp4(vsubq_f32(vld1q_f32(s + i), mv));
        vst1q_f32(s + i, e);
        sum = vaddq_f64(sum, vcvt_f64_f32(vget_low_f32(e)));
        sum = vaddq_f64(sum, vcvt_high_f64_f32(e));
    }
    double total = vaddvq_f64(sum);
    for (; i < n; ++i) {
        s[i] = vgetq_lane_f32(neon::exp4(vdupq_n_f32(s[i] - max)), 0);
        total += static_cast<double>(s[i]);
    }
    return total;
}

// Aggregate-initialised constant: no constructor code compiled with this folder's flags.
const AttentionKernels kTable{.name = "NEON",
                              .dot_f32 = dot_f32,
                              .dot_f32_f16 = dot_f32_f16,
                              .axpy_f32 = axpy_f32,
                              .axpy_f16 = axpy_f16,
                              .scale_f32 = scale_f32,
                              .f16_to_f32 = f16_to_f32,
                              .round_through_f16 = round_through_f16,
                              .exp_shifted = exp_shifted,
                              .weighted_sum_f32 = weighted_sum_f32_reference};

}  // namespace

const AttentionKernels* neon_attention_kernels() { return &kTable; }

}  // namespace chord
