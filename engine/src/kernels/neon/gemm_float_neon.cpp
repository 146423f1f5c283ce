// NEON F32 / F16 / BF16 dots with widened activations, in ggml's AVX-512 F16 order (see
// kernels/avx512/gemm_float_avx512.cpp): each of its 16-lane accumulators is four 4-lane registers, so
// lane by lane the arithmetic is the same and F16 stays bit-identical to the reference.
#include <arm_neon.h>

#include "kernels/neon/neon_kernels.h"
#include "model/weights.h"
#include "quant/quant.h"

namespace chord::neon {

namespace {

struct F32W {
    using Elem = float;
    static float32x4_t load(const float* p) { return vld1q_f32(p); }
    static float one(const float* p) { return *p; }
};
struct F16W {
    using Elem = uint16_t;
    static float32x4_t load(const uint16_t* p) { return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(p))); }
    static float one(const uint16_t* p) { return vgetq_lane_f32(vcvt_f32_f16(vreinterpret_f16_u16(vdup_n_u16(*p))), 0); }
};
struct BF16W {
    using Elem = uint16_t;
    static float32x4_t load(const uint16_t* p) { return vreinterpretq_f32_u32(vshll_n_u16(vld1_u16(p), 16)); }
    static float one(const uint16_t* p) { return vgetq_lane_f32(vreinterpretq_f32_u32(vshll_n_u16(vdup_n_u16(*p), 16)), 0); }
};

// acc[j][q] holds lanes 4q…4q+3 of ggml's 16-lane accumulator j.
float reduce4(const float32x4_t acc[4][4]) {
    float32x4_t v[4];
    for (int q = 0; q < 4; ++q) v[q] = vaddq_f32(vaddq_f32(acc[0][q], acc[2][q]), vaddq_f32(acc[1][q], acc[3][q]));
    // 16 → 8 lanes: v[l + 8] + v[l]; 8 → 4: h8[l + 4] + h8[l].
    const float32x4_t h8_lo = vaddq_f32(v[2], v[0]);
    const float32x4_t h8_hi = vaddq_f32(v[3], v[1]);
    const float32x4_t h4 = vaddq_f32(h8_hi, h8_lo);
    const float p0 = vgetq_lane_f32(h4, 0) + vgetq_lane_f32(h4, 2);
    const float p1 = vgetq_lane_f32(h4, 1) + vgetq_lane_f32(h4, 3);
    return p0 + p1;
}

template <typename W>
float dot(const typename W::Elem* w, const float* a, int64_t n) {
    float32x4_t acc[4][4];
    for (int j = 0; j < 4; ++j)
        for (int q = 0; q < 4; ++q) acc[j][q] = vdupq_n_f32(0.0f);
    const int64_t n64 = n / 64 * 64;
    for (int64_t i = 0; i < n64; i += 64)
        for (int j = 0; j < 4; ++j)
            for (int q = 0; q < 4; ++q) {
                const int64_t o = i + 16 * j + 4 * q;
                acc[j][q] = vfmaq_f32(acc[j][q], W::load(w + o), vld1q_f32(a + o));
            }
    double sum = static_cast<double>(reduce4(acc));
    for (int64_t i = n64; i < n; ++i) {
        const float product = W::one(w + i) * a[i];
        sum += static_cast<double>(product);
    }
    return static_cast<float>(sum);
}

template <typename W>
void gemm(const WeightMatrix& w, int64_t row0, int64_t row1, const float* act, int64_t n_tokens, float* y) {
    using Elem = typename W::Elem;
    for (int64_t r = row0; r < row1; ++r) {
        const Elem* row = reinterpret_cast<const Elem*>(w.data + static_cast<size_t>(r) * w.row_bytes);
        for (int64_t t = 0; t < n_tokens; ++t) y[t * w.n_out + r] = dot<W>(row, act + t * w.n_in, w.n_in);
    }
}

}  // namespace

void gemm_float(const WeightMatrix& w, int64_t row0, int64_t row1, const float* act, int64_t n_tokens, float* y) {
    switch (w.type) {
        case TensorType::F16: gemm<F16W>(w, row0, row1, act, n_tokens, y); break;
        case TensorType::BF16: gemm<BF16W>(w, row0, row1, act, n_tokens, y); break;
        default: gemm<F32W>(w, row0, row1, act, n_tokens, y); break;
    }
}

}  // namespace chord::neon
