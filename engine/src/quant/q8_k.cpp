// Q8_K: super-blocks of 256 int8 activations with an f32 scale and per-16 sums (see quant/blocks_k.h).
// Only a vec_dot type (for the K-quants and IQ4_XS); never stored in model files.
#include "quant/exact_float.h"  // first: no fused multiply-adds (see there)

#include <algorithm>
#include <cmath>
#include <cstring>

#include "quant/blocks_k.h"
#include "quant/formats.h"
#include "quant/k_quant_search.h"

namespace chord {

namespace {

void dequantize_q8_k(const void* src, float* dst, int64_t n) {
    const BlockQ8_K* b = static_cast<const BlockQ8_K*>(src);
    for (int64_t i = 0; i < n / kQK_K; ++i)
        for (int j = 0; j < kQK_K; ++j) dst[i * kQK_K + j] = b[i].d * static_cast<float>(b[i].qs[j]);
}

// ggml's quantize_row_q8_K_ref, which llama.cpp's x86 path also uses: the value of largest magnitude
// maps to −127 (iscale = −127/max), q = min(127, round-half-even(iscale·x)), d = 1/iscale in f32.
void quantize_q8_k(const float* src, void* dst, int64_t n) {
    BlockQ8_K* b = static_cast<BlockQ8_K*>(dst);
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        const float* x = src + i * kQK_K;
        float amax = 0.0f, max = 0.0f;
        for (int j = 0; j < kQK_K; ++j) {
            const float ax = std::fabs(x[j]);
            if (ax > amax) {
                amax = ax;
                max = x[j];
            }
        }
        if (amax == 0.0f) {
            // ggml leaves bsums untouched here; zero them so the block is fully defined.
            std::memset(&b[i], 0, sizeof b[i]);
            continue;
        }
        const float iscale = -127.0f / max;
        for (int j = 0; j < kQK_K; ++j) b[i].qs[j] = static_cast<int8_t>(std::min(127, nearest_int(iscale * x[j])));
        for (int g = 0; g < kQK_K / 16; ++g) {
            int sum = 0;
            for (int j = 0; j < 16; ++j) sum += b[i].qs[16 * g + j];
            b[i].bsums[g] = static_cast<int16_t>(sum);
        }
        b[i].d = 1.0f / iscale;
    }
}

// Q8_K · Q8_K is not a ggml pairing; it is provided so the format is complete (weights never use it).
float dot_q8_k_q8_k(const void* w, const void* a, int64_t n) {
    const BlockQ8_K* x = static_cast<const BlockQ8_K*>(w);
    const BlockQ8_K* y = static_cast<const BlockQ8_K*>(a);
    float sum = 0.0f;
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        int32_t sumi = 0;
        for (int j = 0; j < kQK_K; ++j) sumi += x[i].qs[j] * y[i].qs[j];
        sum += (x[i].d * y[i].d) * static_cast<float>(sumi);
    }
    return sum;
}

}  // namespace

const QuantFormat kFormatQ8_K{TensorType::Q8_K, TensorType::Q8_K, dequantize_q8_k, quantize_q8_k, nullptr,
                              dot_q8_k_q8_k};

}  // namespace chord
