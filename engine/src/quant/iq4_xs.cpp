// IQ4_XS: super-blocks of 256 IQ4_NL-style indices, 8 sub-blocks with 6-bit scales (see quant/blocks_k.h).
#include "quant/exact_float.h"  // first: no fused multiply-adds (see there)

#include "quant/blocks.h"
#include "quant/blocks_k.h"
#include "quant/formats.h"
#include "quant/fp16.h"
#include "quant/iq4_search.h"
#include "quant/x86_lanes.h"

namespace chord {

namespace {

// Sub-block s's 6-bit scale code (the scale is code − 32).
int iq4xs_scale_code(const BlockIQ4_XS& b, int s) {
    return ((b.scales_l[s / 2] >> (4 * (s % 2))) & 0xF) | (((b.scales_h >> (2 * s)) & 3) << 4);
}

void dequantize_iq4_xs(const void* src, float* dst, int64_t n) {
    const BlockIQ4_XS* b = static_cast<const BlockIQ4_XS*>(src);
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        const float d = fp16_to_fp32(b[i].d);
        for (int s = 0; s < kQK_K / 32; ++s) {
            const float dl = d * static_cast<float>(iq4xs_scale_code(b[i], s) - 32);
            const uint8_t* qs = b[i].qs + 16 * s;
            float* y = dst + i * kQK_K + 32 * s;
            for (int j = 0; j < 16; ++j) {
                y[j] = dl * static_cast<float>(kIq4nlValues[qs[j] & 0xF]);
                y[j + 16] = dl * static_cast<float>(kIq4nlValues[qs[j] >> 4]);
            }
        }
    }
}

// ggml's quantize_iq4_xs without an importance matrix (what both llama-quantize and the *_ref run).
void quantize_iq4_xs(const float* src, void* dst, int64_t n) {
    BlockIQ4_XS* b = static_cast<BlockIQ4_XS*>(dst);
    for (int64_t i = 0; i < n / kQK_K; ++i)
        quantize_iq4_superblock(kQK_K, src + i * kQK_K, &b[i].d, b[i].qs, &b[i].scales_h, b[i].scales_l, 7);
}

// llama.cpp's x86 order (quant/x86_lanes.h): per super-block 8 int32 lanes of Σ (ls − 32)·q·qy scaled
// into fused float sums by d·dy, the lanes reduced as hsum_float_8 at the end.
float dot_iq4_xs_q8_k(const void* w, const void* a, int64_t n) {
    const BlockIQ4_XS* x = static_cast<const BlockIQ4_XS*>(w);
    const BlockQ8_K* y = static_cast<const BlockQ8_K*>(a);
    float acc[kX86Lanes] = {};
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        int32_t lanes[kX86Lanes] = {};
        for (int s = 0; s < kQK_K / 32; ++s) {
            const int ls = iq4xs_scale_code(x[i], s) - 32;
            const uint8_t* qs = x[i].qs + 16 * s;
            const int8_t* q8 = y[i].qs + 32 * s;
            for (int j = 0; j < 16; ++j) {
                lanes[x86_lane(j)] += ls * (q8[j] * kIq4nlValues[qs[j] & 0xF]);
                lanes[x86_lane(j + 16)] += ls * (q8[j + 16] * kIq4nlValues[qs[j] >> 4]);
            }
        }
        x86_lanes_fma(fp16_to_fp32(x[i].d) * y[i].d, lanes, acc);
    }
    return x86_hsum8(acc);
}

}  // namespace

const QuantFormat kFormatIQ4_XS{TensorType::IQ4_XS, TensorType::Q8_K, dequantize_iq4_xs, quantize_iq4_xs, nullptr,
                                dot_iq4_xs_q8_k};

}  // namespace chord
