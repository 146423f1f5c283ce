// The scalar table: every weight type through its QuantFormat's conversion and vec_dot; std::exp SiLU.
#include <algorithm>
#include <cmath>

#include "kernels/kernels.h"
#include "kernels/reference_kernels.h"
#include "model/weights.h"
#include "quant/quant.h"

namespace chord {

size_t reference_activation_bytes(const QuantFormat& w, int64_t n_in, int64_t n_tokens) {
    return row_bytes(w.vec_dot_type, n_in) * static_cast<size_t>(n_tokens);
}

void reference_convert_activations(const QuantFormat& w, const float* x, int64_t n_in, int64_t t0, int64_t t1,
                                   uint8_t* act) {
    const QuantFormat* a = quant_format(w.vec_dot_type);
    const size_t stride = row_bytes(w.vec_dot_type, n_in);
    const auto convert = a->quantize_activations ? a->quantize_activations : a->quantize_row;
    for (int64_t t = t0; t < t1; ++t) convert(x + t * n_in, act + static_cast<size_t>(t) * stride, n_in);
}

void reference_gemm_rows(const WeightMatrix& w, int64_t row0, int64_t row1, const uint8_t* act, size_t act_stride,
                         int64_t n_tokens, float* y, float (*dot)(const void*, const void*, int64_t)) {
    if (!dot) dot = w.format->vec_dot;
    // Token tiles outside, rows inside: a tile's activation rows stay in L1 while the chunk's weight rows
    // stream from L2 (rows outside would stream every token's activations once per row).
    constexpr int64_t kTokenTile = 4;
    for (int64_t t0 = 0; t0 < n_tokens; t0 += kTokenTile) {
        const int64_t t1 = std::min(n_tokens, t0 + kTokenTile);
        for (int64_t r = row0; r < row1; ++r) {
            const uint8_t* wr = w.data + static_cast<size_t>(r) * w.row_bytes;
            for (int64_t t = t0; t < t1; ++t)
                y[t * w.n_out + r] = dot(wr, act + static_cast<size_t>(t) * act_stride, w.n_in);
        }
    }
}

void reference_silu_mul(float* gate, const float* up, int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
        const float g = gate[i];
        gate[i] = (g / (1.0f + std::exp(-g))) * up[i];
    }
}

namespace {

void convert_scalar(const QuantFormat& w, const float* x, int64_t n_in, int64_t /*n_tokens*/, int64_t t0, int64_t t1,
                    uint8_t* act) {
    reference_convert_activations(w, x, n_in, t0, t1, act);
}

void gemm_rows_scalar(const WeightMatrix& w, int64_t row0, int64_t row1, const uint8_t* act, int64_t n_tokens,
                      float* y) {
    reference_gemm_rows(w, row0, row1, act, row_bytes(w.format->vec_dot_type, w.n_in), n_tokens, y);
}

const Kernels kScalar{SimdLevel::Scalar, "Scalar", reference_activation_bytes, convert_scalar, gemm_rows_scalar,
                      reference_silu_mul, nullptr};

}  // namespace

const Kernels* scalar_kernels() { return &kScalar; }

}  // namespace chord
