// Q5_0: blocks of 32 5-bit values with one fp16 scale (see quant/blocks.h).
#include "quant/exact_float.h"  // first: no fused multiply-adds (see there)

#include <algorithm>
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

// Element j of the block as its unsigned 5-bit code (0…31).
int q5_code(const uint8_t* qs, uint32_t qh, int j) {
    const int half = kQK5_0 / 2;
    const int nibble = j < half ? (qs[j] & 0x0F) : (qs[j - half] >> 4);
    return nibble | static_cast<int>(((qh >> j) & 1u) << 4);
}

void dequantize_q5_0(const void* src, float* dst, int64_t n) {
    const BlockQ5_0* b = static_cast<const BlockQ5_0*>(src);
    for (int64_t i = 0; i < n / kQK5_0; ++i) {
        const float d = fp16_to_fp32(b[i].d);
        const uint32_t qh = high_bits(b[i].qh);
        for (int j = 0; j < kQK5_0; ++j) dst[i * kQK5_0 + j] = static_cast<float>(q5_code(b[i].qs, qh, j) - 16) * d;
    }
}

// ggml's quantize_row_q5_0_ref: the signed value of largest magnitude maps to −16.
void quantize_q5_0(const float* src, void* dst, int64_t n) {
    BlockQ5_0* b = static_cast<BlockQ5_0*>(dst);
    for (int64_t i = 0; i < n / kQK5_0; ++i) {
        const float* x = src + i * kQK5_0;
        float amax = 0.0f, max = 0.0f;
        for (int j = 0; j < kQK5_0; ++j) {
            if (amax < std::fabs(x[j])) {
                amax = std::fabs(x[j]);
                max = x[j];
            }
        }
        const float d = max / -16.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        b[i].d = fp32_to_fp16(d);
        uint32_t qh = 0;
        for (int j = 0; j < kQK5_0 / 2; ++j) {
            const uint8_t q0 = static_cast<uint8_t>(std::min<int>(31, static_cast<int8_t>(x[j] * id + 16.5f)));
            const uint8_t q1 =
                static_cast<uint8_t>(std::min<int>(31, static_cast<int8_t>(x[j + kQK5_0 / 2] * id + 16.5f)));
            b[i].qs[j] = static_cast<uint8_t>((q0 & 0x0F) | ((q1 & 0x0F) << 4));
            qh |= static_cast<uint32_t>((q0 & 0x10u) >> 4) << j;
            qh |= static_cast<uint32_t>((q1 & 0x10u) >> 4) << (j + kQK5_0 / 2);
        }
        std::memcpy(b[i].qh, &qh, sizeof qh);
    }
}

// In llama.cpp's x86 float order (ggml's AVX2 vec_dot; Q5_0 is never repacked): each block's integer
// products go into 8 lanes of 4 consecutive elements; lane l accumulates fma(float(lane sum), d·dy, acc[l])
// over the blocks; the lanes are reduced as ggml's hsum_float_8 ((0+4)+(2+6)) + ((1+5)+(3+7)).
float dot_q5_0_q8_0(const void* w, const void* a, int64_t n) {
    const BlockQ5_0* x = static_cast<const BlockQ5_0*>(w);
    const BlockQ8_0* y = static_cast<const BlockQ8_0*>(a);
    constexpr int kLanes = 8, kPerLane = kQK5_0 / kLanes;
    float acc[kLanes] = {};
    for (int64_t i = 0; i < n / kQK5_0; ++i) {
        const float scale = fp16_to_fp32(x[i].d) * fp16_to_fp32(y[i].d);
        const uint32_t qh = high_bits(x[i].qh);
        for (int l = 0; l < kLanes; ++l) {
            int32_t lane_sum = 0;
            for (int j = l * kPerLane; j < (l + 1) * kPerLane; ++j) lane_sum += (q5_code(x[i].qs, qh, j) - 16) * y[i].qs[j];
            acc[l] = std::fma(static_cast<float>(lane_sum), scale, acc[l]);
        }
    }
    const float even = (acc[0] + acc[4]) + (acc[2] + acc[6]);
    const float odd = (acc[1] + acc[5]) + (acc[3] + acc[7]);
    return even + odd;
}

}  // namespace

const QuantFormat kFormatQ5_0{TensorType::Q5_0, TensorType::Q8_0, dequantize_q5_0, quantize_q5_0, nullptr,
                              dot_q5_0_q8_0};

}  // namespace chord
