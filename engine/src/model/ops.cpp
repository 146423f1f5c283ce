#include "model/ops.h"

#include <algorithm>
#include <cmath>

#include "kernels/kernels.h"
#include "threading/thread_pool.h"

namespace chord {

namespace {

// Below this many elements an element-wise op runs on the calling thread: waking the pool costs more.
constexpr int64_t kMinParallelElements = 16384;
// Elements per task: a multiple of every SIMD width, large enough to amortise the task claim.
constexpr int64_t kElementChunk = 4096;

}  // namespace

void rms_norm(const float* x, const float* w, float* out, int64_t n, float eps) {
    double sum = 0.0;
    for (int64_t i = 0; i < n; ++i) sum += static_cast<double>(x[i] * x[i]);
    const float mean = static_cast<float>(sum / static_cast<double>(n));
    const float scale = 1.0f / std::sqrt(mean + eps);
    for (int64_t i = 0; i < n; ++i) out[i] = (x[i] * scale) * w[i];
}

void rms_norm_rows(const float* x, const float* w, float* out, int64_t n_rows, int64_t n, float eps, ThreadPool& pool) {
    if (n_rows * n < kMinParallelElements) {
        for (int64_t r = 0; r < n_rows; ++r) rms_norm(x + r * n, w, out + r * n, n, eps);
        return;
    }
    pool.run(n_rows, [&](int64_t r, int) { rms_norm(x + r * n, w, out + r * n, n, eps); });
}

void rope(float* x, int n_heads, int head_dim, int n_rot, int pos, float freq_base, float freq_scale, RopeStyle style) {
    const float theta_scale = std::pow(freq_base, -2.0f / static_cast<float>(n_rot));
    // cos/sin per pair, shared by every head (n_rot <= head_dim <= a few hundred).
    float cos_t[512], sin_t[512];
    float theta = static_cast<float>(pos);
    for (int i = 0; i < n_rot / 2; ++i) {
        const float t = theta * freq_scale;
        cos_t[i] = std::cos(t);
        sin_t[i] = std::sin(t);
        theta *= theta_scale;
    }
    for (int h = 0; h < n_heads; ++h) {
        float* v = x + h * head_dim;
        for (int i = 0; i < n_rot / 2; ++i) {
            // Normal: adjacent pairs; Neox: element i with element i + n_rot/2.
            const int a = style == RopeStyle::Normal ? 2 * i : i;
            const int b = style == RopeStyle::Normal ? 2 * i + 1 : i + n_rot / 2;
            rotate_pair(v[a], v[b], cos_t[i], sin_t[i]);
        }
    }
}

void silu_mul(float* gate, const float* up, int64_t n) { kernels().silu_mul(gate, up, n); }

void silu_mul(float* gate, const float* up, int64_t n, ThreadPool& pool) {
    const auto kernel = kernels().silu_mul;
    if (n < kMinParallelElements) {
        kernel(gate, up, n);
        return;
    }
    pool.run((n + kElementChunk - 1) / kElementChunk, [&](int64_t c, int) {
        const int64_t i0 = c * kElementChunk;
        kernel(gate + i0, up + i0, std::min(kElementChunk, n - i0));
    });
}

void add_into(float* x, const float* y, int64_t n, ThreadPool& pool) {
    const auto add = [x, y](int64_t i0, int64_t i1) {
        for (int64_t i = i0; i < i1; ++i) x[i] += y[i];
    };
    if (n < kMinParallelElements) {
        add(0, n);
        return;
    }
    pool.run((n + kElementChunk - 1) / kElementChunk,
             [&](int64_t c, int) { add(c * kElementChunk, std::min(n, (c + 1) * kElementChunk)); });
}

}  // namespace chord
