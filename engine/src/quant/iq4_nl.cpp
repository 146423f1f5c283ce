// IQ4_NL: blocks of 32 4-bit indices into a non-linear 16-level table, one fp16 scale (see quant/blocks.h).
#include "quant/exact_float.h"  // first: no fused multiply-adds (see there)

#include <cmath>

#include "quant/blocks.h"
#include "quant/formats.h"
#include "quant/fp16.h"
#include "quant/iq4_search.h"

namespace chord {

namespace {

void dequantize_iq4_nl(const void* src, float* dst, int64_t n) {
    const BlockIQ4_NL* b = static_cast<const BlockIQ4_NL*>(src);
    for (int64_t i = 0; i < n / kQK4_NL; ++i) {
        const float d = fp16_to_fp32(b[i].d);
        float* y = dst + i * kQK4_NL;
        for (int j = 0; j < kQK4_NL / 2; ++j) {
            y[j] = d * static_cast<float>(kIq4nlValues[b[i].qs[j] & 0xF]);
            y[j + kQK4_NL / 2] = d * static_cast<float>(kIq4nlValues[b[i].qs[j] >> 4]);
        }
    }
}

// What llama-quantize runs (ggml's quantize_iq4_nl without an importance matrix: a ±7 scale search).
// ggml's quantize_row_iq4_nl_ref searches less (ntry −1); only model files matter here, so we match them.
void quantize_iq4_nl(const float* src, void* dst, int64_t n) {
    BlockIQ4_NL* b = static_cast<BlockIQ4_NL*>(dst);
    for (int64_t i = 0; i < n / kQK4_NL; ++i)
        quantize_iq4_superblock(kQK4_NL, src + i * kQK4_NL, &b[i].d, b[i].qs, nullptr, nullptr, 7);
}

// In llama.cpp's x86 float order: its AVX2 path repacks IQ4_NL rows 8 at a time (iq4_nl_8x8), whose
// kernels take exact whole-block integer sums into one fused running sum, acc = fma(float(Σ), d·dy, acc).
float dot_iq4_nl_q8_0(const void* w, const void* a, int64_t n) {
    const BlockIQ4_NL* x = static_cast<const BlockIQ4_NL*>(w);
    const BlockQ8_0* y = static_cast<const BlockQ8_0*>(a);
    float acc = 0.0f;
    for (int64_t i = 0; i < n / kQK4_NL; ++i) {
        int32_t sumi = 0;
        for (int j = 0; j < kQK4_NL / 2; ++j) {
            sumi += y[i].qs[j] * kIq4nlValues[x[i].qs[j] & 0xF];
            sumi += y[i].qs[j + kQK4_NL / 2] * kIq4nlValues[x[i].qs[j] >> 4];
        }
        acc = std::fma(static_cast<float>(sumi), fp16_to_fp32(x[i].d) * fp16_to_fp32(y[i].d), acc);
    }
    return acc;
}

}  // namespace

const QuantFormat kFormatIQ4_NL{TensorType::IQ4_NL, TensorType::Q8_0, dequantize_iq4_nl, quantize_iq4_nl, nullptr,
                                dot_iq4_nl_q8_0};

}  // namespace chord
