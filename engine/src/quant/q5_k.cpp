// Q5_K: super-blocks of 256 5-bit values, 8 sub-blocks with 6-bit scales and mins (see quant/blocks_k.h).
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

// 5-bit code of element e (0…255): low nibble laid out as Q4_K, fifth bit in qh.
int q5k_code(const BlockQ5_K& b, int e) {
    const uint8_t byte = b.qs[32 * (e / 64) + e % 32];
    const int low = (e % 64) < 32 ? (byte & 0xF) : (byte >> 4);
    return low | (((b.qh[e % 32] >> (e / 32)) & 1) << 4);
}

void dequantize_q5_k(const void* src, float* dst, int64_t n) {
    const BlockQ5_K* b = static_cast<const BlockQ5_K*>(src);
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        const float d = fp16_to_fp32(b[i].d);
        const float dmin = fp16_to_fp32(b[i].dmin);
        float* y = dst + i * kQK_K;
        for (int s = 0; s < kQK_K / 32; ++s) {
            uint8_t sc, mn;
            unpack_scale_min_k4(s, b[i].scales, &sc, &mn);
            const float dl = d * static_cast<float>(sc);
            const float ml = dmin * static_cast<float>(mn);
            for (int l = 0; l < 32; ++l) y[32 * s + l] = dl * static_cast<float>(q5k_code(b[i], 32 * s + l)) - ml;
        }
    }
}

// ggml's quantize_row_q5_K_ref: as Q4_K with levels 0…31 and a shorter scale search.
void quantize_q5_k(const float* src, void* dst, int64_t n) {
    BlockQ5_K* b = static_cast<BlockQ5_K*>(dst);
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
            scales[s] = search_scale_min(32, 31, xs, weights, L + 32 * s, &mins[s], Laux, -0.5f, 0.1f, 15, false);
            max_scale = std::max(max_scale, scales[s]);
            max_min = std::max(max_min, mins[s]);
        }
        const float inv_scale = max_scale > 0.0f ? 63.0f / max_scale : 0.0f;
        const float inv_min = max_min > 0.0f ? 63.0f / max_min : 0.0f;
        uint8_t ls[8], lm[8];
        for (int s = 0; s < kQK_K / 32; ++s) {
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
                L[32 * s + l] = static_cast<uint8_t>(std::max(0, std::min(31, q)));
            }
        }
        std::memset(b[i].qh, 0, sizeof b[i].qh);
        for (int e = 0; e < kQK_K; ++e) {
            int q = L[e];
            if (q > 15) {
                q -= 16;
                b[i].qh[e % 32] = static_cast<uint8_t>(b[i].qh[e % 32] | (1 << (e / 32)));
            }
            uint8_t& byte = b[i].qs[32 * (e / 64) + e % 32];
            if ((e % 64) < 32) byte = static_cast<uint8_t>(q);
            else byte = static_cast<uint8_t>(byte | (q << 4));
        }
    }
}

// llama.cpp's x86 order (quant/x86_lanes.h): per super-block 8 int32 lanes of Σ sc·q·qy scaled into
// fused float sums by dy·d; the minimum terms are a separate fused sum of (−dy·dmin)·Σ mn·bsum, added
// after the lanes' hsum_float_8.
float dot_q5_k_q8_k(const void* w, const void* a, int64_t n) {
    const BlockQ5_K* x = static_cast<const BlockQ5_K*>(w);
    const BlockQ8_K* y = static_cast<const BlockQ8_K*>(a);
    float acc[kX86Lanes] = {};
    float min_terms = 0.0f;
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        uint8_t sc[8], mn[8];
        for (int s = 0; s < 8; ++s) unpack_scale_min_k4(s, x[i].scales, &sc[s], &mn[s]);
        int32_t sumi_mins = 0;
        for (int g = 0; g < kQK_K / 16; ++g) sumi_mins += y[i].bsums[g] * mn[g / 2];
        min_terms = std::fma(-y[i].d * fp16_to_fp32(x[i].dmin), static_cast<float>(sumi_mins), min_terms);
        int32_t lanes[kX86Lanes] = {};
        for (int e = 0; e < kQK_K; ++e) lanes[x86_lane(e)] += sc[e / 32] * (y[i].qs[e] * q5k_code(x[i], e));
        x86_lanes_fma(y[i].d * fp16_to_fp32(x[i].d), lanes, acc);
    }
    return x86_hsum8(acc) + min_terms;
}

}  // namespace

const QuantFormat kFormatQ5_K{TensorType::Q5_K, TensorType::Q8_K, dequantize_q5_k, quantize_q5_k, nullptr,
                              dot_q5_k_q8_k};

}  // namespace chord
