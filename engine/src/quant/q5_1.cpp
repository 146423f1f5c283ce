// Q5_1: blocks of 32 5-bit values with an fp16 scale and an fp16 minimum (see quant/blocks.h).
#include "quant/exact_float.h"  // first: no fused multiply-adds (see there)

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>

#include "quant/blocks.h"
#include "quant/formats.h"
#include "quant/fp16.h"

namespace chord {

namespace {

uint32_t high_bits(const uint8_t qh[4]) {
    uint32_t h;
    std::memcpy(&h, qh, sizeof h);
    return h;
}

// Element j of the block as its 5-bit code (0…31).
int q5_code(const uint8_t* qs, uint32_t qh, int j) {
    const int half = kQK5_1 / 2;
    const int nibble = j < half ? (qs[j] & 0x0F) : (qs[j - half] >> 4);
    return nibble | static_cast<int>(((qh >> j) & 1u) << 4);
}

void dequantize_q5_1(const void* src, float* dst, int64_t n) {
    const BlockQ5_1* b = static_cast<const BlockQ5_1*>(src);
    for (int64_t i = 0; i < n / kQK5_1; ++i) {
        const float d = fp16_to_fp32(b[i].d);
        const float m = fp16_to_fp32(b[i].m);
        const uint32_t qh = high_bits(b[i].qh);
        for (int j = 0; j < kQK5_1; ++j) dst[i * kQK5_1 + j] = static_cast<float>(q5_code(b[i].qs, qh, j)) * d + m;
    }
}

// ggml's quantize_row_q5_1_ref: d = (max − min)/31, q = trunc((x − min)/d + 0.5), uncapped as in ggml.
void quantize_q5_1(const float* src, void* dst, int64_t n) {
    BlockQ5_1* b = static_cast<BlockQ5_1*>(dst);
    for (int64_t i = 0; i < n / kQK5_1; ++i) {
        const float* x = src + i * kQK5_1;
        float min = FLT_MAX, max = -FLT_MAX;
        for (int j = 0; j < kQK5_1; ++j) {
            min = std::min(min, x[j]);
            max = std::max(max, x[j]);
        }
        const float d = (max - min) / 31.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        b[i].d = fp32_to_fp16(d);
        b[i].m = fp32_to_fp16(min);
        uint32_t qh = 0;
        for (int j = 0; j < kQK5_1 / 2; ++j) {
            const uint8_t q0 = static_cast<uint8_t>((x[j] - min) * id + 0.5f);
            const uint8_t q1 = static_cast<uint8_t>((x[j + kQK5_1 / 2] - min) * id + 0.5f);
            b[i].qs[j] = static_cast<uint8_t>((q0 & 0x0F) | ((q1 & 0x0F) << 4));
            qh |= static_cast<uint32_t>((q0 & 0x10u) >> 4) << j;
            qh |= static_cast<uint32_t>((q1 & 0x10u) >> 4) << (j + kQK5_1 / 2);
        }
        std::memcpy(b[i].qh, &qh, sizeof qh);
    }
}

// Σ (d·q + m)·(dy·qy) = d·dy·Σ q·qy + m·s, with s = dy·Σ qy from the Q8_1 block.
// In llama.cpp's x86 float order, because one ulp here can flip a later fp16 rounding (the next layer's
// Q8_1 s = fp16(d·Σq) lands on the other side of a tie and the logits move by ~1e-2): each block's
// integer products go into 8 lanes of 4 consecutive elements; lane l accumulates
// fma(float(lane sum), d·dy, acc[l]) over the blocks; the lanes are reduced as ggml's hsum_float_8
// ((0+4)+(2+6)) + ((1+5)+(3+7)); the minimum terms are a separate fused sum m·s added last.
float dot_q5_1_q8_1(const void* w, const void* a, int64_t n) {
    const BlockQ5_1* x = static_cast<const BlockQ5_1*>(w);
    const BlockQ8_1* y = static_cast<const BlockQ8_1*>(a);
    constexpr int kLanes = 8, kPerLane = kQK5_1 / kLanes;
    float acc[kLanes] = {};
    float min_terms = 0.0f;
    for (int64_t i = 0; i < n / kQK5_1; ++i) {
        min_terms = std::fma(fp16_to_fp32(x[i].m), fp16_to_fp32(y[i].s), min_terms);
        const float scale = fp16_to_fp32(x[i].d) * fp16_to_fp32(y[i].d);
        const uint32_t qh = high_bits(x[i].qh);
        for (int l = 0; l < kLanes; ++l) {
            int32_t lane_sum = 0;
            for (int j = l * kPerLane; j < (l + 1) * kPerLane; ++j) lane_sum += q5_code(x[i].qs, qh, j) * y[i].qs[j];
            acc[l] = std::fma(static_cast<float>(lane_sum), scale, acc[l]);
        }
    }
    const float even = (acc[0] + acc[4]) + (acc[2] + acc[6]);
    const float odd = (acc[1] + acc[5]) + (acc[3] + acc[7]);
    return (even + odd) + min_terms;
}

}  // namespace

const QuantFormat kFormatQ5_1{TensorType::Q5_1, TensorType::Q8_1, dequantize_q5_1, quantize_q5_1, nullptr,
                              dot_q5_1_q8_1};

}  // namespace chord
