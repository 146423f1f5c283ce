#include "model/arch_ops.h"

#include <array>
#include <cmath>
#include <vector>

#include "model/ops.h"
#include "quant/fp16.h"

namespace chord {

namespace {

constexpr float kSqrt2OverPi = 0.79788456080286535587989211986876f;
constexpr float kGeluCoefA = 0.044715f;

// gelu_exact of every fp16 value, rounded to fp16 and widened back (256 KiB, built once).
const std::array<float, 65536>& gelu_table() {
    static const std::array<float, 65536> table = [] {
        std::array<float, 65536> t{};
        for (uint32_t i = 0; i < 65536; ++i)
            t[i] = fp16_to_fp32(fp32_to_fp16(gelu_exact(fp16_to_fp32(static_cast<uint16_t>(i)))));
        return t;
    }();
    return table;
}

}  // namespace

// ggml builds its table in GNU C with -ffp-contract=fast on an FMA target, so 1 + a·x·x is one fused
// multiply-add of (a·x)·x; the plain form differs in one fp16 table entry.
float gelu_exact(float x) {
    return 0.5f * x * (1.0f + std::tanh(kSqrt2OverPi * x * std::fma(kGeluCoefA * x, x, 1.0f)));
}

float gelu(float x) {
    if (x <= -10.0f) return 0.0f;
    if (x >= 10.0f) return x;
    return gelu_table()[fp32_to_fp16(x)];
}

void gelu_inplace(float* x, int64_t n) {
    for (int64_t i = 0; i < n; ++i) x[i] = gelu(x[i]);
}

void gelu_mul(float* gate, const float* up, int64_t n) {
    for (int64_t i = 0; i < n; ++i) gate[i] = gelu(gate[i]) * up[i];
}

// ggml's norm op on its AVX-512 build: Σx in double rounded to float, mean = sum / n in float; the
// variance sums (x − mean)² per 16-element block in float (the block reduced 16 → 8 → 4, then
// (0+2)+(1+3), as _mm512_reduce_add_ps) and adds blocks, then the tail's squares, in double.
void layer_norm(const float* x, const float* w, const float* b, float* out, int64_t n, float eps) {
    double sum = 0.0;
    for (int64_t i = 0; i < n; ++i) sum += static_cast<double>(x[i]);
    const float mean = static_cast<float>(sum) / static_cast<float>(n);
    double sum2 = 0.0;
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        float sq[16];
        for (int l = 0; l < 16; ++l) {
            out[i + l] = x[i + l] - mean;
            sq[l] = out[i + l] * out[i + l];
        }
        float s8[8], s4[4];
        for (int l = 0; l < 8; ++l) s8[l] = sq[l] + sq[l + 8];
        for (int l = 0; l < 4; ++l) s4[l] = s8[l] + s8[l + 4];
        sum2 += static_cast<double>((s4[0] + s4[2]) + (s4[1] + s4[3]));
    }
    for (; i < n; ++i) {
        out[i] = x[i] - mean;
        sum2 += static_cast<double>(out[i] * out[i]);
    }
    const float variance = static_cast<float>(sum2 / static_cast<double>(n));
    const float scale = 1.0f / std::sqrt(variance + eps);
    // Three roundings, as ggml's three ops (norm, mul, add).
    for (int64_t j = 0; j < n; ++j) {
        const float y = (out[j] * scale) * w[j];
        out[j] = b ? y + b[j] : y;
    }
}

void add_bias(float* rows, const float* bias, int64_t n_rows, int64_t n) {
    for (int64_t t = 0; t < n_rows; ++t)
        for (int64_t i = 0; i < n; ++i) rows[t * n + i] += bias[i];
}

void scale_inplace(float* x, int64_t n, float s) {
    for (int64_t i = 0; i < n; ++i) x[i] *= s;
}

void soft_cap(float* x, int64_t n, float cap) {
    const float inv = 1.0f / cap;
    for (int64_t i = 0; i < n; ++i) x[i] = cap * std::tanh(x[i] * inv);
}

void rope_with_factors(float* x, int n_heads, int head_dim, int n_rot, int pos, float freq_base, float freq_scale,
                       RopeStyle style, const float* factors) {
    const int half = n_rot / 2;
    const float theta_scale = std::pow(freq_base, -2.0f / static_cast<float>(n_rot));
    std::vector<float> cos_t(static_cast<size_t>(half)), sin_t(static_cast<size_t>(half));
    float theta = static_cast<float>(pos);
    for (int i = 0; i < half; ++i) {
        // ggml: the divided angle is what linear scaling multiplies.
        const float t = freq_scale * (theta / factors[i]);
        cos_t[static_cast<size_t>(i)] = std::cos(t);
        sin_t[static_cast<size_t>(i)] = std::sin(t);
        theta *= theta_scale;
    }
    for (int h = 0; h < n_heads; ++h) {
        float* v = x + h * head_dim;
        for (int i = 0; i < half; ++i) {
            const int a = style == RopeStyle::Normal ? 2 * i : i;
            const int b = style == RopeStyle::Normal ? 2 * i + 1 : i + half;
            rotate_pair(v[a], v[b], cos_t[static_cast<size_t>(i)], sin_t[static_cast<size_t>(i)]);
        }
    }
}

}  // namespace chord
