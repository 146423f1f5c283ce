// Q8_0 activation layout shared by the SIMD tables (see q8_activations.h). Baseline code: plain copies.
#include "kernels/q8_activations.h"

#include <cstring>

#include "quant/blocks.h"
#include "kernels/reference_kernels.h"
#include "quant/fp16.h"
#include "quant/quant.h"

namespace chord {

namespace {

size_t align64(size_t n) { return (n + 63) / 64 * 64; }

}  // namespace

Q8ActivationLayout q8_activation_layout(int64_t n_in, int64_t n_tokens, bool grouped) {
    Q8ActivationLayout l;
    l.n_tokens = n_tokens;
    l.n_blocks = n_in / kQK8_0;
    l.n_groups = grouped ? (n_tokens + kTokenGroupLanes - 1) / kTokenGroupLanes : 0;
    l.row_stride = static_cast<size_t>(l.n_blocks) * sizeof(BlockQ8_0);
    const size_t per_token = static_cast<size_t>(n_tokens) * static_cast<size_t>(l.n_blocks);
    l.rows = 0;
    l.scales = align64(l.rows + l.row_stride * static_cast<size_t>(n_tokens));
    l.bias8 = align64(l.scales + per_token * sizeof(float));
    l.bias128 = align64(l.bias8 + per_token * sizeof(int32_t));
    l.groups = align64(l.bias128 + per_token * sizeof(int32_t));
    l.total = l.groups + static_cast<size_t>(l.n_groups) * static_cast<size_t>(l.n_blocks) * sizeof(Q8TokenGroupBlock);
    return l;
}

SimdActivationKind simd_activation_kind(const QuantFormat& w) {
    switch (w.vec_dot_type) {
        case TensorType::Q8_0: return SimdActivationKind::Q8_0;
        case TensorType::F32:
        case TensorType::F16:
        case TensorType::BF16: return SimdActivationKind::Widened;
        default: return SimdActivationKind::Reference;
    }
}

size_t simd_activation_bytes(const QuantFormat& w, int64_t n_in, int64_t n_tokens, int64_t min_grouped_tokens) {
    switch (simd_activation_kind(w)) {
        case SimdActivationKind::Q8_0: return q8_activation_layout(n_in, n_tokens, n_tokens >= min_grouped_tokens).total;
        case SimdActivationKind::Widened: return static_cast<size_t>(n_in) * static_cast<size_t>(n_tokens) * sizeof(float);
        case SimdActivationKind::Reference: break;
    }
    return reference_activation_bytes(w, n_in, n_tokens);
}

void fill_q8_block_sums(const Q8ActivationLayout& l, uint8_t* act, int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; ++t) {
        const auto* rows = reinterpret_cast<const BlockQ8_0*>(act + l.rows + static_cast<size_t>(t) * l.row_stride);
        const size_t base = static_cast<size_t>(t) * static_cast<size_t>(l.n_blocks);
        float* scales = reinterpret_cast<float*>(act + l.scales) + base;
        int32_t* bias8 = reinterpret_cast<int32_t*>(act + l.bias8) + base;
        int32_t* bias128 = reinterpret_cast<int32_t*>(act + l.bias128) + base;
        for (int64_t b = 0; b < l.n_blocks; ++b) {
            const int32_t sum = bias8[b];
            scales[b] = fp16_to_fp32(rows[b].d);
            bias8[b] = -8 * sum;
            bias128[b] = -128 * sum;
        }
    }
}

void pack_q8_token_group(const Q8ActivationLayout& l, uint8_t* act, int64_t g) {
    auto* out = reinterpret_cast<Q8TokenGroupBlock*>(act + l.groups) + g * l.n_blocks;
    std::memset(static_cast<void*>(out), 0, static_cast<size_t>(l.n_blocks) * sizeof(Q8TokenGroupBlock));
    const float* scales = reinterpret_cast<const float*>(act + l.scales);
    const int32_t* bias8 = reinterpret_cast<const int32_t*>(act + l.bias8);
    const int32_t* bias128 = reinterpret_cast<const int32_t*>(act + l.bias128);
    for (int lane = 0; lane < kTokenGroupLanes; ++lane) {
        const int64_t t = g * kTokenGroupLanes + lane;
        if (t >= l.n_tokens) break;
        const auto* rows = reinterpret_cast<const BlockQ8_0*>(act + l.rows + static_cast<size_t>(t) * l.row_stride);
        const size_t base = static_cast<size_t>(t) * static_cast<size_t>(l.n_blocks);
        for (int64_t b = 0; b < l.n_blocks; ++b) {
            Q8TokenGroupBlock& o = out[b];
            for (int q = 0; q < 8; ++q) std::memcpy(o.qs[q][lane], rows[b].qs + 4 * q, 4);
            o.d[lane] = scales[base + static_cast<size_t>(b)];
            o.bias8[lane] = bias8[base + static_cast<size_t>(b)];
            o.bias128[lane] = bias128[base + static_cast<size_t>(b)];
        }
    }
}

}  // namespace chord
