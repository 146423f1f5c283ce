// Q6_K: super-blocks of 256 6-bit values, 16 sub-blocks with int8 scales (see quant/blocks_k.h).
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

// Signed 6-bit value of element e (−32…31).
int q6_value(const BlockQ6_K& b, int e) {
    const int h = e / 128, r = e % 128;           // half, position in the half
    const int quarter = r / 32, l = r % 32;       // quarters 0,1 use low nibbles; 2,3 high nibbles
    const uint8_t byte = b.ql[64 * h + 32 * (quarter & 1) + l];
    const int low = quarter < 2 ? (byte & 0xF) : (byte >> 4);
    const int high = (b.qh[32 * h + l] >> (2 * quarter)) & 3;
    return (low | (high << 4)) - 32;
}

void dequantize_q6_k(const void* src, float* dst, int64_t n) {
    const BlockQ6_K* b = static_cast<const BlockQ6_K*>(src);
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        const float d = fp16_to_fp32(b[i].d);
        float* y = dst + i * kQK_K;
        for (int e = 0; e < kQK_K; ++e)
            y[e] = d * static_cast<float>(b[i].scales[e / 16]) * static_cast<float>(q6_value(b[i], e));
    }
}

// ggml's quantize_row_q6_K_ref: per sub-block an x²-weighted symmetric scale on levels −32…31,
// scales quantized to int8 against the one of largest magnitude (which maps to −128), then values
// requantized with the stored scales.
void quantize_q6_k(const float* src, void* dst, int64_t n) {
    BlockQ6_K* b = static_cast<BlockQ6_K*>(dst);
    int8_t L[kQK_K];
    float scales[kQK_K / 16];
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        const float* x = src + i * kQK_K;
        float max_scale = 0.0f, max_abs_scale = 0.0f;
        for (int s = 0; s < kQK_K / 16; ++s) {
            scales[s] = search_symmetric_scale(16, 32, x + 16 * s, L + 16 * s);
            const float abs_scale = std::fabs(scales[s]);
            if (abs_scale > max_abs_scale) {
                max_abs_scale = abs_scale;
                max_scale = scales[s];
            }
        }
        if (max_abs_scale < kGroupMaxEps) {
            std::memset(&b[i], 0, sizeof b[i]);
            continue;
        }
        const float iscale = -128.0f / max_scale;
        b[i].d = fp32_to_fp16(1.0f / iscale);
        for (int s = 0; s < kQK_K / 16; ++s)
            b[i].scales[s] = static_cast<int8_t>(std::min(127, nearest_int(iscale * scales[s])));
        for (int s = 0; s < kQK_K / 16; ++s) {
            const float d = fp16_to_fp32(b[i].d) * static_cast<float>(b[i].scales[s]);
            if (d == 0.0f) continue;
            for (int l = 0; l < 16; ++l) {
                const int q = nearest_int(x[16 * s + l] / d);
                L[16 * s + l] = static_cast<int8_t>(std::max(-32, std::min(31, q)) + 32);
            }
        }
        for (int h = 0; h < kQK_K / 128; ++h) {
            const int8_t* Lh = L + 128 * h;
            for (int l = 0; l < 32; ++l) {
                b[i].ql[64 * h + l] = static_cast<uint8_t>((Lh[l] & 0xF) | ((Lh[l + 64] & 0xF) << 4));
                b[i].ql[64 * h + 32 + l] = static_cast<uint8_t>((Lh[l + 32] & 0xF) | ((Lh[l + 96] & 0xF) << 4));
                b[i].qh[32 * h + l] = static_cast<uint8_t>((Lh[l] >> 4) | ((Lh[l + 32] >> 4) << 2) |
                                                           ((Lh[l + 64] >> 4) << 4) | ((Lh[l + 96] >> 4) << 6));
            }
        }
    }
}

// llama.cpp's x86 order (quant/x86_lanes.h): per super-block 8 int32 lanes of Σ sc·q·qy, each scaled
// into its own fused float sum by dy·d, the lanes reduced as hsum_float_8 at the end.
float dot_q6_k_q8_k(const void* w, const void* a, int64_t n) {
    const BlockQ6_K* x = static_cast<const BlockQ6_K*>(w);
    const BlockQ8_K* y = static_cast<const BlockQ8_K*>(a);
    float acc[kX86Lanes] = {};
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        int32_t lanes[kX86Lanes] = {};
        for (int e = 0; e < kQK_K; ++e) lanes[x86_lane(e)] += x[i].scales[e / 16] * (y[i].qs[e] * q6_value(x[i], e));
        x86_lanes_fma(y[i].d * fp16_to_fp32(x[i].d), lanes, acc);
    }
    return x86_hsum8(acc);
}

}  // namespace

const QuantFormat kFormatQ6_K{TensorType::Q6_K, TensorType::Q8_K, dequantize_q6_k, quantize_q6_k, nullptr,
                              dot_q6_k_q8_k};

}  // namespace chord
