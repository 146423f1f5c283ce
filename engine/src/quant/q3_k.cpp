// Q3_K: super-blocks of 256 3-bit values, 16 sub-blocks with signed 6-bit scales (see quant/blocks_k.h).
#include "quant/exact_float.h"  // first: no fused multiply-adds (see there)

#include <algorithm>
#include <cmath>
#include <cstring>

#include "quant/blocks_k.h"
#include "quant/formats.h"
#include "quant/fp16.h"
#include "quant/k_quant_search.h"
#include "quant/x86_lanes.h"

namespace chord {

namespace {

// Signed 3-bit value of element e (−4…3): 2 low bits from qs (Q2_K layout), high bit from hmask.
int q3_value(const BlockQ3_K& b, int e) {
    const int low = (b.qs[32 * (e / 128) + e % 32] >> (2 * ((e % 128) / 32))) & 3;
    const bool high = (b.hmask[e % 32] >> (e / 32)) & 1;
    return low - (high ? 0 : 4);
}

// Sub-block s's 6-bit scale code (0…63; the scale is code − 32).
int q3_scale_code(const uint8_t* scales, int s) {
    const int low = s < 8 ? (scales[s] & 0xF) : (scales[s - 8] >> 4);
    const int high = (scales[8 + s % 4] >> (2 * (s / 4))) & 3;
    return low | (high << 4);
}

void dequantize_q3_k(const void* src, float* dst, int64_t n) {
    const BlockQ3_K* b = static_cast<const BlockQ3_K*>(src);
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        const float d_all = fp16_to_fp32(b[i].d);
        float* y = dst + i * kQK_K;
        for (int s = 0; s < kQK_K / 16; ++s) {
            const float dl = d_all * static_cast<float>(q3_scale_code(b[i].scales, s) - 32);
            for (int l = 0; l < 16; ++l) y[16 * s + l] = dl * static_cast<float>(q3_value(b[i], 16 * s + l));
        }
    }
}

// ggml's quantize_row_q3_K_ref: per sub-block a refined symmetric scale on levels −4…3, scales
// quantized to 6 bits against the one of largest magnitude, then values requantized with them.
void quantize_q3_k(const float* src, void* dst, int64_t n) {
    BlockQ3_K* b = static_cast<BlockQ3_K*>(dst);
    int8_t L[kQK_K];
    float scales[kQK_K / 16];
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        const float* x = src + i * kQK_K;
        float max_scale = 0.0f, amax = 0.0f;
        for (int s = 0; s < kQK_K / 16; ++s) {
            scales[s] = search_q3_scale(16, 4, x + 16 * s, L + 16 * s);
            const float scale = std::fabs(scales[s]);
            if (scale > amax) {
                amax = scale;
                max_scale = scales[s];
            }
        }
        std::memset(b[i].scales, 0, sizeof b[i].scales);
        if (max_scale != 0.0f) {
            const float iscale = -32.0f / max_scale;
            for (int s = 0; s < kQK_K / 16; ++s) {
                // ggml narrows to int8 before clamping; the clamp makes it 0…63.
                int l = static_cast<int8_t>(nearest_int(iscale * scales[s]));
                l = std::max(-32, std::min(31, l)) + 32;
                if (s < 8) b[i].scales[s] = static_cast<uint8_t>(l & 0xF);
                else b[i].scales[s - 8] = static_cast<uint8_t>(b[i].scales[s - 8] | ((l & 0xF) << 4));
                b[i].scales[8 + s % 4] = static_cast<uint8_t>(b[i].scales[8 + s % 4] | ((l >> 4) << (2 * (s / 4))));
            }
            b[i].d = fp32_to_fp16(1.0f / iscale);
        } else {
            b[i].d = fp32_to_fp16(0.0f);
        }
        for (int s = 0; s < kQK_K / 16; ++s) {
            const float d = fp16_to_fp32(b[i].d) * static_cast<float>(q3_scale_code(b[i].scales, s) - 32);
            if (d == 0.0f) continue;
            for (int l = 0; l < 16; ++l) {
                const int q = nearest_int(x[16 * s + l] / d);
                L[16 * s + l] = static_cast<int8_t>(std::max(-4, std::min(3, q)) + 4);
            }
        }
        // High bit (value 4) of element e goes to bit e/32 of hmask[e%32]; L keeps the low 2 bits.
        std::memset(b[i].hmask, 0, sizeof b[i].hmask);
        for (int e = 0; e < kQK_K; ++e) {
            if (L[e] > 3) {
                b[i].hmask[e % 32] = static_cast<uint8_t>(b[i].hmask[e % 32] | (1 << (e / 32)));
                L[e] = static_cast<int8_t>(L[e] - 4);
            }
        }
        for (int h = 0; h < kQK_K / 128; ++h) {
            const int8_t* Lh = L + 128 * h;
            for (int l = 0; l < 32; ++l)
                b[i].qs[32 * h + l] =
                    static_cast<uint8_t>(Lh[l] | (Lh[l + 32] << 2) | (Lh[l + 64] << 4) | (Lh[l + 96] << 6));
        }
    }
}

// llama.cpp's x86 order (quant/x86_lanes.h): per super-block 8 int32 lanes of Σ (sc − 32)·q·qy, each
// scaled into its own fused float sum by dy·d, the lanes reduced as hsum_float_8 at the end.
float dot_q3_k_q8_k(const void* w, const void* a, int64_t n) {
    const BlockQ3_K* x = static_cast<const BlockQ3_K*>(w);
    const BlockQ8_K* y = static_cast<const BlockQ8_K*>(a);
    float acc[kX86Lanes] = {};
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        int32_t lanes[kX86Lanes] = {};
        for (int e = 0; e < kQK_K; ++e) {
            const int scale = q3_scale_code(x[i].scales, e / 16) - 32;
            lanes[x86_lane(e)] += scale * (y[i].qs[e] * q3_value(x[i], e));
        }
        x86_lanes_fma(y[i].d * fp16_to_fp32(x[i].d), lanes, acc);
    }
    return x86_hsum8(acc);
}

}  // namespace

const QuantFormat kFormatQ3_K{TensorType::Q3_K, TensorType::Q8_K, dequantize_q3_k, quantize_q3_k, nullptr,
                              dot_q3_k_q8_k};

}  // namespace chord
