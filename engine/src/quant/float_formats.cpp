// Plain float formats: F32, F16 (IEEE half), BF16 (bfloat16). Each element is stored as is.
#include "quant/exact_float.h"  // first: no fused multiply-adds (see there)

#include <cmath>
#include <cstring>

#include "quant/formats.h"
#include "quant/fp16.h"

namespace chord {

namespace {

void f32_to_f32(const void* src, float* dst, int64_t n) { std::memcpy(dst, src, static_cast<size_t>(n) * 4); }
void f32_from_f32(const float* src, void* dst, int64_t n) { std::memcpy(dst, src, static_cast<size_t>(n) * 4); }
float dot_f32(const void* w, const void* a, int64_t n) {
    const float* x = static_cast<const float*>(w);
    const float* y = static_cast<const float*>(a);
    double sum = 0.0;  // ggml's scalar path accumulates in double
    for (int64_t i = 0; i < n; ++i) sum += static_cast<double>(x[i] * y[i]);
    return static_cast<float>(sum);
}

void f16_to_f32(const void* src, float* dst, int64_t n) {
    const uint16_t* h = static_cast<const uint16_t*>(src);
    for (int64_t i = 0; i < n; ++i) dst[i] = fp16_to_fp32(h[i]);
}
void f32_to_f16(const float* src, void* dst, int64_t n) {
    uint16_t* h = static_cast<uint16_t*>(dst);
    for (int64_t i = 0; i < n; ++i) h[i] = fp32_to_fp16(src[i]);
}
// ggml's AVX-512 F16 dot, reproduced in order so F16 models match llama.cpp's rounding: 4 accumulators of
// 16 lanes with fused multiply-add per 64 elements, a fixed reduction tree, then the tail added in double.
float dot_f16(const void* w, const void* a, int64_t n) {
    const uint16_t* x = static_cast<const uint16_t*>(w);
    const uint16_t* y = static_cast<const uint16_t*>(a);
    float acc[4][16] = {};
    const int64_t n64 = n / 64 * 64;
    for (int64_t i = 0; i < n64; i += 64)
        for (int j = 0; j < 4; ++j)
            for (int l = 0; l < 16; ++l) {
                const int64_t k = i + j * 16 + l;
                acc[j][l] = std::fma(fp16_to_fp32(x[k]), fp16_to_fp32(y[k]), acc[j][l]);
            }
    float v[16];
    for (int l = 0; l < 16; ++l) v[l] = (acc[0][l] + acc[2][l]) + (acc[1][l] + acc[3][l]);
    float h8[8], h4[4];
    for (int l = 0; l < 8; ++l) h8[l] = v[l + 8] + v[l];
    for (int l = 0; l < 4; ++l) h4[l] = h8[l + 4] + h8[l];
    const float p0 = h4[0] + h4[2], p1 = h4[1] + h4[3];
    double sum = static_cast<double>(p0 + p1);
    for (int64_t i = n64; i < n; ++i) sum += static_cast<double>(fp16_to_fp32(x[i]) * fp16_to_fp32(y[i]));
    return static_cast<float>(sum);
}

void bf16_to_f32(const void* src, float* dst, int64_t n) {
    const uint16_t* h = static_cast<const uint16_t*>(src);
    for (int64_t i = 0; i < n; ++i) dst[i] = bf16_to_fp32(h[i]);
}
void f32_to_bf16(const float* src, void* dst, int64_t n) {
    uint16_t* h = static_cast<uint16_t*>(dst);
    for (int64_t i = 0; i < n; ++i) h[i] = fp32_to_bf16(src[i]);
}
float dot_bf16(const void* w, const void* a, int64_t n) {
    const uint16_t* x = static_cast<const uint16_t*>(w);
    const uint16_t* y = static_cast<const uint16_t*>(a);
    double sum = 0.0;
    for (int64_t i = 0; i < n; ++i) sum += static_cast<double>(bf16_to_fp32(x[i]) * bf16_to_fp32(y[i]));
    return static_cast<float>(sum);
}

}  // namespace

const QuantFormat kFormatF32{TensorType::F32, TensorType::F32, f32_to_f32, f32_from_f32, nullptr, dot_f32};
const QuantFormat kFormatF16{TensorType::F16, TensorType::F16, f16_to_f32, f32_to_f16, nullptr, dot_f16};
const QuantFormat kFormatBF16{TensorType::BF16, TensorType::BF16, bf16_to_f32, f32_to_bf16, nullptr, dot_bf16};

}  // namespace chord
