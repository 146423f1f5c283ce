// Scalar attention kernels: the reference the SIMD versions are tested against.
#include <cmath>

#include "attention/attention_kernels.h"
#include "kernels/attention_tables.h"
#include "quant/fp16.h"

namespace chord {

namespace {

float dot_f32(const float* a, const float* b, int n) {
    float sum = 0.0f;
    for (int i = 0; i < n; ++i) sum += a[i] * b[i];
    return sum;
}

float dot_f32_f16(const float* a, const uint16_t* b, int n) {
    float sum = 0.0f;
    for (int i = 0; i < n; ++i) sum += a[i] * fp16_to_fp32(b[i]);
    return sum;
}

void axpy_f32(float* y, float a, const float* x, int n) {
    for (int i = 0; i < n; ++i) y[i] += a * x[i];
}

void axpy_f16(float* y, float a, const uint16_t* x, int n) {
    for (int i = 0; i < n; ++i) y[i] += a * fp16_to_fp32(x[i]);
}

void scale_f32(float* y, float a, int n) {
    for (int i = 0; i < n; ++i) y[i] *= a;
}

void f16_to_f32(const uint16_t* src, float* dst, int n) {
    for (int i = 0; i < n; ++i) dst[i] = fp16_to_fp32(src[i]);
}

void round_through_f16(const float* src, float* dst, int n) {
    for (int i = 0; i < n; ++i) dst[i] = fp16_to_fp32(fp32_to_fp16(src[i]));
}

double exp_shifted(float* s, int n, float max) {
    double sum = 0.0;
    for (int i = 0; i < n; ++i) sum += (s[i] = std::exp(s[i] - max));
    return sum;
}

// 16 partial sums → 1 as ggml's x86 kernels reduce a 16-lane register: halves 16 → 8 → 4, then (0+2)+(1+3).
float reduce16(const float* a) {
    float s8[8], s4[4];
    for (int l = 0; l < 8; ++l) s8[l] = a[l] + a[l + 8];
    for (int l = 0; l < 4; ++l) s4[l] = s8[l] + s8[l + 4];
    return (s4[0] + s4[2]) + (s4[1] + s4[3]);
}

AttentionKernels make_scalar_table() {
    AttentionKernels k;
    k.name = "Scalar";
    k.dot_f32 = dot_f32;
    k.dot_f32_f16 = dot_f32_f16;
    k.axpy_f32 = axpy_f32;
    k.axpy_f16 = axpy_f16;
    k.scale_f32 = scale_f32;
    k.f16_to_f32 = f16_to_f32;
    k.round_through_f16 = round_through_f16;
    k.exp_shifted = exp_shifted;
    k.weighted_sum_f32 = weighted_sum_f32_reference;
    return k;
}

}  // namespace

void weighted_sum_f32_reference(float* out, const float* p, const float* v, int64_t v_stride, int n, int head_dim,
                                int lanes) {
    float partial[64][16];  // [key mod lanes][dim], 16 dims at a time
    for (int d0 = 0; d0 < head_dim; d0 += 16) {
        const int dims = head_dim - d0 < 16 ? head_dim - d0 : 16;
        for (int l = 0; l < lanes; ++l)
            for (int d = 0; d < 16; ++d) partial[l][d] = 0.0f;
        for (int j = 0; j < n; ++j) {
            if (p[j] == 0.0f) continue;
            const float* vj = v + j * v_stride + d0;
            for (int d = 0; d < dims; ++d) partial[j % lanes][d] = std::fma(vj[d], p[j], partial[j % lanes][d]);
        }
        for (int d = 0; d < dims; ++d) {
            float l16[16];
            // With 64 lanes, ggml's 4 registers (keys mod 64 in blocks of 16) are first added (r0 + r2) + (r1 + r3).
            for (int l = 0; l < 16; ++l)
                l16[l] = lanes == 64 ? (partial[l][d] + partial[l + 32][d]) + (partial[l + 16][d] + partial[l + 48][d])
                                     : partial[l][d];
            out[d0 + d] = reduce16(l16);
        }
    }
}

const AttentionKernels& scalar_attention_kernels() {
    static const AttentionKernels table = make_scalar_table();
    return table;
}

// The ISA of the dispatched matmul kernels (kernels/kernels.h: CPU features and CHORD_SIMD), so forcing a
// level forces it for attention too.
const AttentionKernels& default_attention_kernels() {
    const AttentionKernels* simd = attention_kernels_for(kernels().level);
    return simd ? *simd : scalar_attention_kernels();
}

std::vector<const AttentionKernels*> available_attention_kernels() {
    std::vector<const AttentionKernels*> tables{&scalar_attention_kernels()};
    for (SimdLevel level : {SimdLevel::Avx2, SimdLevel::Avx512, SimdLevel::Neon})
        if (const AttentionKernels* k = attention_kernels_for(level)) tables.push_back(k);
    return tables;
}

}  // namespace chord
