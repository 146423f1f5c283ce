// Q2_K: super-blocks of 256 2-bit values, 16 sub-blocks with 4-bit scales and mins (see quant/blocks_k.h).
#include "quant/exact_float.h"  // first: no fused multiply-adds (see there)

#include <algorithm>
#include <cmath>

#include "quant/blocks_k.h"
#include "quant/formats.h"
#include "quant/fp16.h"
#include "quant/k_quant_search.h"

namespace chord {

namespace {

// 2-bit code of element e (0…255) in a super-block.
int q2_code(const uint8_t* qs, int e) { return (qs[32 * (e / 128) + e % 32] >> (2 * ((e % 128) / 32))) & 3; }

void dequantize_q2_k(const void* src, float* dst, int64_t n) {
    const BlockQ2_K* b = static_cast<const BlockQ2_K*>(src);
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        const float d = fp16_to_fp32(b[i].d);
        const float dmin = fp16_to_fp32(b[i].dmin);
        float* y = dst + i * kQK_K;
        for (int s = 0; s < kQK_K / 16; ++s) {
            const float dl = d * static_cast<float>(b[i].scales[s] & 0xF);
            const float ml = dmin * static_cast<float>(b[i].scales[s] >> 4);
            for (int l = 0; l < 16; ++l) y[16 * s + l] = dl * static_cast<float>(q2_code(b[i].qs, 16 * s + l)) - ml;
        }
    }
}

// ggml's quantize_row_q2_K_ref: per sub-block an |x|-weighted (scale, min) fit on levels 0…3, both
// quantized to 4 bits against the super-block's largest, then every value requantized with the
// stored scale and min.
void quantize_q2_k(const float* src, void* dst, int64_t n) {
    BlockQ2_K* b = static_cast<BlockQ2_K*>(dst);
    uint8_t L[kQK_K];
    uint8_t Laux[16];
    float weights[16];
    float mins[kQK_K / 16];
    float scales[kQK_K / 16];
    const float q4scale = 15.0f;
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        const float* x = src + i * kQK_K;
        float max_scale = 0.0f, max_min = 0.0f;
        for (int s = 0; s < kQK_K / 16; ++s) {
            for (int l = 0; l < 16; ++l) weights[l] = std::fabs(x[16 * s + l]);
            scales[s] = search_scale_min(16, 3, x + 16 * s, weights, L + 16 * s, &mins[s], Laux, -0.5f, 0.1f, 15, true);
            max_scale = std::max(max_scale, scales[s]);
            max_min = std::max(max_min, mins[s]);
        }
        if (max_scale > 0.0f) {
            const float iscale = q4scale / max_scale;
            for (int s = 0; s < kQK_K / 16; ++s) b[i].scales[s] = static_cast<uint8_t>(nearest_int(iscale * scales[s]));
            b[i].d = fp32_to_fp16(max_scale / q4scale);
        } else {
            for (int s = 0; s < kQK_K / 16; ++s) b[i].scales[s] = 0;
            b[i].d = fp32_to_fp16(0.0f);
        }
        if (max_min > 0.0f) {
            const float iscale = q4scale / max_min;
            for (int s = 0; s < kQK_K / 16; ++s)
                b[i].scales[s] = static_cast<uint8_t>(b[i].scales[s] | (nearest_int(iscale * mins[s]) << 4));
            b[i].dmin = fp32_to_fp16(max_min / q4scale);
        } else {
            b[i].dmin = fp32_to_fp16(0.0f);
        }
        for (int s = 0; s < kQK_K / 16; ++s) {
            const float d = fp16_to_fp32(b[i].d) * static_cast<float>(b[i].scales[s] & 0xF);
            if (d == 0.0f) continue;
            const float dm = fp16_to_fp32(b[i].dmin) * static_cast<float>(b[i].scales[s] >> 4);
            for (int l = 0; l < 16; ++l) {
                const int q = nearest_int((x[16 * s + l] + dm) / d);
                L[16 * s + l] = static_cast<uint8_t>(std::max(0, std::min(3, q)));
            }
        }
        for (int h = 0; h < kQK_K / 128; ++h) {
            const uint8_t* Lh = L + 128 * h;
            for (int l = 0; l < 32; ++l)
                b[i].qs[32 * h + l] =
                    static_cast<uint8_t>(Lh[l] | (Lh[l + 32] << 2) | (Lh[l + 64] << 4) | (Lh[l + 96] << 6));
        }
    }
}

// Σ over sub-blocks of d·dy·sc·Σ q·qy − dmin·dy·mn·Σ qy (the last sum is the Q8_K bsums).
// In llama.cpp's x86 float order: on AVX-512 CPUs it repacks Q2_K rows 8 at a time (q2_K_8x8), whose
// kernels take exact whole-super-block integer sums into two fused running sums (as its repacked Q4_K):
// acc = fma(float(Σ sc·Σ q·qy), d·dy, acc), acc_min = fma(float(Σ mn·bsum), dmin·dy, acc_min); acc − acc_min.
float dot_q2_k_q8_k(const void* w, const void* a, int64_t n) {
    const BlockQ2_K* x = static_cast<const BlockQ2_K*>(w);
    const BlockQ8_K* y = static_cast<const BlockQ8_K*>(a);
    float acc = 0.0f, acc_min = 0.0f;
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        int32_t summs = 0;
        for (int s = 0; s < 16; ++s) summs += y[i].bsums[s] * (x[i].scales[s] >> 4);
        int32_t isum = 0;
        for (int s = 0; s < kQK_K / 16; ++s) {
            int32_t isuml = 0;
            for (int l = 0; l < 16; ++l) isuml += y[i].qs[16 * s + l] * q2_code(x[i].qs, 16 * s + l);
            isum += (x[i].scales[s] & 0xF) * isuml;
        }
        acc = std::fma(static_cast<float>(isum), fp16_to_fp32(x[i].d) * y[i].d, acc);
        acc_min = std::fma(static_cast<float>(summs), fp16_to_fp32(x[i].dmin) * y[i].d, acc_min);
    }
    return acc - acc_min;
}

}  // namespace

const QuantFormat kFormatQ2_K{TensorType::Q2_K, TensorType::Q8_K, dequantize_q2_k, quantize_q2_k, nullptr,
                              dot_q2_k_q8_k};

}  // namespace chord
