// Q4_K: super-blocks of 256 4-bit values, 8 sub-blocks with 6-bit scales and mins (see quant/blocks_k.h).
#include "quant/exact_float.h"  // first: no fused multiply-adds (see there)

#include <algorithm>
#include <cmath>

#include "quant/blocks_k.h"
#include "quant/formats.h"
#include "quant/fp16.h"
#include "quant/k_quant_search.h"

namespace chord {

namespace {

// 4-bit code of element e (0…255): pair p = e/64 shares bytes qs[32p…32p+31].
int q4k_code(const uint8_t* qs, int e) {
    const uint8_t byte = qs[32 * (e / 64) + e % 32];
    return (e % 64) < 32 ? (byte & 0xF) : (byte >> 4);
}

void dequantize_q4_k(const void* src, float* dst, int64_t n) {
    const BlockQ4_K* b = static_cast<const BlockQ4_K*>(src);
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        const float d = fp16_to_fp32(b[i].d);
        const float dmin = fp16_to_fp32(b[i].dmin);
        float* y = dst + i * kQK_K;
        for (int s = 0; s < kQK_K / 32; ++s) {
            uint8_t sc, mn;
            unpack_scale_min_k4(s, b[i].scales, &sc, &mn);
            const float dl = d * static_cast<float>(sc);
            const float ml = dmin * static_cast<float>(mn);
            for (int l = 0; l < 32; ++l) y[32 * s + l] = dl * static_cast<float>(q4k_code(b[i].qs, 32 * s + l)) - ml;
        }
    }
}

// ggml's quantize_row_q4_K_ref: per sub-block a (scale, min) fit on levels 0…15 weighted by
// rms(x) + |x|, both quantized to 6 bits against the super-block's largest, then values requantized.
void quantize_q4_k(const float* src, void* dst, int64_t n) {
    BlockQ4_K* b = static_cast<BlockQ4_K*>(dst);
    uint8_t L[kQK_K];
    uint8_t Laux[32];
    float weights[32];
    float mins[kQK_K / 32];
    float scales[kQK_K / 32];
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        const float* x = src + i * kQK_K;
        float max_scale = 0.0f, max_min = 0.0f;
        for (int s = 0; s < kQK_K / 32; ++s) {
            const float* xs = x + 32 * s;
            float sum_x2 = 0.0f;
            for (int l = 0; l < 32; ++l) sum_x2 += xs[l] * xs[l];
            const float av_x = std::sqrt(sum_x2 / 32.0f);
            for (int l = 0; l < 32; ++l) weights[l] = av_x + std::fabs(xs[l]);
            scales[s] = search_scale_min(32, 15, xs, weights, L + 32 * s, &mins[s], Laux, -1.0f, 0.1f, 20, false);
            max_scale = std::max(max_scale, scales[s]);
            max_min = std::max(max_min, mins[s]);
        }
        const float inv_scale = max_scale > 0.0f ? 63.0f / max_scale : 0.0f;
        const float inv_min = max_min > 0.0f ? 63.0f / max_min : 0.0f;
        uint8_t ls[8], lm[8];
        for (int s = 0; s < kQK_K / 32; ++s) {
            // ggml narrows to uint8 before capping at 63.
            ls[s] = std::min<uint8_t>(63, static_cast<uint8_t>(nearest_int(inv_scale * scales[s])));
            lm[s] = std::min<uint8_t>(63, static_cast<uint8_t>(nearest_int(inv_min * mins[s])));
        }
        pack_scales_mins_k4(ls, lm, b[i].scales);
        b[i].d = fp32_to_fp16(max_scale / 63.0f);
        b[i].dmin = fp32_to_fp16(max_min / 63.0f);
        for (int s = 0; s < kQK_K / 32; ++s) {
            uint8_t sc, mn;
            unpack_scale_min_k4(s, b[i].scales, &sc, &mn);
            const float d = fp16_to_fp32(b[i].d) * static_cast<float>(sc);
            if (d == 0.0f) continue;
            const float dm = fp16_to_fp32(b[i].dmin) * static_cast<float>(mn);
            for (int l = 0; l < 32; ++l) {
                const int q = nearest_int((x[32 * s + l] + dm) / d);
                L[32 * s + l] = static_cast<uint8_t>(std::max(0, std::min(15, q)));
            }
        }
        for (int p = 0; p < kQK_K / 64; ++p)
            for (int l = 0; l < 32; ++l)
                b[i].qs[32 * p + l] = static_cast<uint8_t>(L[64 * p + l] | (L[64 * p + 32 + l] << 4));
    }
}

// llama.cpp's x86 order. On x86 it repacks Q4_K weights for 8 rows at a time (its "q4_K_8x8" AVX2
// gemv/gemm, used whenever the row count is a multiple of 8); those kernels sum each super-block's
// products exactly in integers, Σ sc·q·qy and Σ mn·bsums, and keep two fused float sums:
//   acc  = fma(float(Σ sc·q·qy), d·dy, acc),   acc_min = fma(float(Σ mn·bsum), dmin·dy, acc_min),
// returning acc − acc_min.
float dot_q4_k_q8_k(const void* w, const void* a, int64_t n) {
    const BlockQ4_K* x = static_cast<const BlockQ4_K*>(w);
    const BlockQ8_K* y = static_cast<const BlockQ8_K*>(a);
    float acc = 0.0f, acc_min = 0.0f;
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        uint8_t sc[8], mn[8];
        for (int s = 0; s < 8; ++s) unpack_scale_min_k4(s, x[i].scales, &sc[s], &mn[s]);
        int32_t sumi_mins = 0;
        for (int g = 0; g < kQK_K / 16; ++g) sumi_mins += y[i].bsums[g] * mn[g / 2];
        int32_t sumi = 0;
        for (int e = 0; e < kQK_K; ++e) sumi += sc[e / 32] * (y[i].qs[e] * q4k_code(x[i].qs, e));
        acc = std::fma(static_cast<float>(sumi), fp16_to_fp32(x[i].d) * y[i].d, acc);
        acc_min = std::fma(static_cast<float>(sumi_mins), fp16_to_fp32(x[i].dmin) * y[i].d, acc_min);
    }
    return acc - acc_min;
}

}  // namespace

const QuantFormat kFormatQ4_K{TensorType::Q4_K, TensorType::Q8_K, dequantize_q4_k, quantize_q4_k, nullptr,
                              dot_q4_k_q8_k};

}  // namespace chord
