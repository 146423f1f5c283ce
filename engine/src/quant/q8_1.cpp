// Q8_1: blocks of 32 int8 activations with an fp16 scale and the fp16 of d·Σq (see quant/blocks.h).
// Only a vec_dot type (for Q4_1 and Q5_1); never stored in model files.
#include "quant/exact_float.h"  // first: no fused multiply-adds (see there)

#include <algorithm>
#include <cmath>

#include "quant/blocks.h"
#include "quant/formats.h"
#include "quant/fp16.h"

namespace chord {

namespace {

void dequantize_q8_1(const void* src, float* dst, int64_t n) {
    const BlockQ8_1* b = static_cast<const BlockQ8_1*>(src);
    for (int64_t i = 0; i < n / kQK8_1; ++i) {
        const float d = fp16_to_fp32(b[i].d);
        for (int j = 0; j < kQK8_1; ++j) dst[i * kQK8_1 + j] = static_cast<float>(b[i].qs[j]) * d;
    }
}

// Shared by both roundings: q from `round(x · id)`, s = fp16(d · Σq) with d still in f32.
template <typename Round>
void quantize_q8_1_with(const float* src, void* dst, int64_t n, bool id_from_d, Round round) {
    BlockQ8_1* b = static_cast<BlockQ8_1*>(dst);
    for (int64_t i = 0; i < n / kQK8_1; ++i) {
        const float* x = src + i * kQK8_1;
        float amax = 0.0f;
        for (int j = 0; j < kQK8_1; ++j) amax = std::max(amax, std::fabs(x[j]));
        const float d = amax / 127.0f;
        float id = 0.0f;
        if (id_from_d) id = d != 0.0f ? 1.0f / d : 0.0f;
        else id = amax != 0.0f ? 127.0f / amax : 0.0f;
        b[i].d = fp32_to_fp16(d);
        int sum = 0;
        for (int j = 0; j < kQK8_1; ++j) {
            b[i].qs[j] = static_cast<int8_t>(round(x[j] * id));
            sum += b[i].qs[j];
        }
        b[i].s = fp32_to_fp16(static_cast<float>(sum) * d);
    }
}

// ggml's quantize_row_q8_1_ref: q = roundf(x · (1/d)).
void quantize_q8_1(const float* src, void* dst, int64_t n) {
    quantize_q8_1_with(src, dst, n, true, [](float v) { return std::roundf(v); });
}

// llama.cpp's x86 activation path: q = round-half-even(x · (127/amax)).
void quantize_activations_q8_1(const float* src, void* dst, int64_t n) {
    quantize_q8_1_with(src, dst, n, false, [](float v) { return std::nearbyintf(v); });
}

// Q8_1 · Q8_1 is not a ggml pairing; it is provided so the format is complete (weights never use it).
float dot_q8_1_q8_1(const void* w, const void* a, int64_t n) {
    const BlockQ8_1* x = static_cast<const BlockQ8_1*>(w);
    const BlockQ8_1* y = static_cast<const BlockQ8_1*>(a);
    float sum = 0.0f;
    for (int64_t i = 0; i < n / kQK8_1; ++i) {
        int32_t sumi = 0;
        for (int j = 0; j < kQK8_1; ++j) sumi += x[i].qs[j] * y[i].qs[j];
        sum += static_cast<float>(sumi) * (fp16_to_fp32(x[i].d) * fp16_to_fp32(y[i].d));
    }
    return sum;
}

}  // namespace

const QuantFormat kFormatQ8_1{TensorType::Q8_1, TensorType::Q8_1, dequantize_q8_1, quantize_q8_1,
                              quantize_activations_q8_1, dot_q8_1_q8_1};

}  // namespace chord
