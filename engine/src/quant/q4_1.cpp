// Q4_1: blocks of 32 4-bit values with an fp16 scale and an fp16 minimum (see quant/blocks.h).
#include "quant/exact_float.h"  // first: no fused multiply-adds (see there)

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "quant/blocks.h"
#include "quant/formats.h"
#include "quant/fp16.h"

namespace chord {

namespace {

void dequantize_q4_1(const void* src, float* dst, int64_t n) {
    const BlockQ4_1* b = static_cast<const BlockQ4_1*>(src);
    for (int64_t i = 0; i < n / kQK4_1; ++i) {
        const float d = fp16_to_fp32(b[i].d);
        const float m = fp16_to_fp32(b[i].m);
        for (int j = 0; j < kQK4_1 / 2; ++j) {
            dst[i * kQK4_1 + j] = static_cast<float>(b[i].qs[j] & 0x0F) * d + m;
            dst[i * kQK4_1 + j + kQK4_1 / 2] = static_cast<float>(b[i].qs[j] >> 4) * d + m;
        }
    }
}

// ggml's quantize_row_q4_1_ref: d = (max − min)/15, q = trunc((x − min)/d + 0.5) capped at 15.
void quantize_q4_1(const float* src, void* dst, int64_t n) {
    BlockQ4_1* b = static_cast<BlockQ4_1*>(dst);
    for (int64_t i = 0; i < n / kQK4_1; ++i) {
        const float* x = src + i * kQK4_1;
        float min = FLT_MAX, max = -FLT_MAX;
        for (int j = 0; j < kQK4_1; ++j) {
            min = std::min(min, x[j]);
            max = std::max(max, x[j]);
        }
        const float d = (max - min) / 15.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        b[i].d = fp32_to_fp16(d);
        b[i].m = fp32_to_fp16(min);
        for (int j = 0; j < kQK4_1 / 2; ++j) {
            const float x0 = (x[j] - min) * id;
            const float x1 = (x[j + kQK4_1 / 2] - min) * id;
            const uint8_t q0 = static_cast<uint8_t>(std::min<int>(15, static_cast<int8_t>(x0 + 0.5f)));
            const uint8_t q1 = static_cast<uint8_t>(std::min<int>(15, static_cast<int8_t>(x1 + 0.5f)));
            b[i].qs[j] = static_cast<uint8_t>(q0 | (q1 << 4));
        }
    }
}

// Σ (d·q + m)·(dy·qy) = d·dy·Σ q·qy + m·s, with s = dy·Σ qy from the Q8_1 block.
// In llama.cpp's x86 float order (as dot_q5_1_q8_1; one ulp here can flip the next layer's Q8_1
// rounding): element j of a block is low nibble j (j < 16) or high nibble j − 16; the integer products
// go into 8 lanes of 4 consecutive elements; lane l accumulates fma(float(lane sum), d·dy, acc[l]) over
// the blocks; the lanes are reduced as ggml's hsum_float_8 ((0+4)+(2+6)) + ((1+5)+(3+7)); the minimum
// terms are a separate fused sum m·s added last.
float dot_q4_1_q8_1(const void* w, const void* a, int64_t n) {
    const BlockQ4_1* x = static_cast<const BlockQ4_1*>(w);
    const BlockQ8_1* y = static_cast<const BlockQ8_1*>(a);
    constexpr int kLanes = 8, kPerLane = kQK4_1 / kLanes, kHalf = kQK4_1 / 2;
    float acc[kLanes] = {};
    float min_terms = 0.0f;
    for (int64_t i = 0; i < n / kQK4_1; ++i) {
        min_terms = std::fma(fp16_to_fp32(x[i].m), fp16_to_fp32(y[i].s), min_terms);
        const float scale = fp16_to_fp32(x[i].d) * fp16_to_fp32(y[i].d);
        for (int l = 0; l < kLanes; ++l) {
            int32_t lane_sum = 0;
            for (int j = l * kPerLane; j < (l + 1) * kPerLane; ++j) {
                const int q = j < kHalf ? (x[i].qs[j] & 0x0F) : (x[i].qs[j - kHalf] >> 4);
                lane_sum += q * y[i].qs[j];
            }
            acc[l] = std::fma(static_cast<float>(lane_sum), scale, acc[l]);
        }
    }
    const float even = (acc[0] + acc[4]) + (acc[2] + acc[6]);
    const float odd = (acc[1] + acc[5]) + (acc[3] + acc[7]);
    return (even + odd) + min_terms;
}

}  // namespace

const QuantFormat kFormatQ4_1{TensorType::Q4_1, TensorType::Q8_1, dequantize_q4_1, quantize_q4_1, nullptr,
                              dot_q4_1_q8_1};

}  // namespace chord
