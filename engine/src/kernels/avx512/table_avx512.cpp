// The AVX-512 VNNI kernel table: SIMD kernels for Q4_0, Q8_0, F16, BF16 and F32 weights (own activation
// layouts) and row dots for Q2_K … Q6_K and IQ4_XS (Q8_K rows), Q4_1 / Q5_1 (Q8_1 rows), Q5_0 / IQ4_NL (Q8_0 rows);
// batches of several tokens take batch kernels (one weight decode per token tile) where k_quant_gemm or
// block32_gemm has one; other types go through the scalar reference on plain rows.
#include "kernels/avx512/avx512_kernels.h"
#include "kernels/kernels.h"
#include "kernels/reference_kernels.h"
#include "model/weights.h"
#include "quant/quant.h"

namespace chord {

namespace {

size_t activation_bytes(const QuantFormat& w, int64_t n_in, int64_t n_tokens) {
    return simd_activation_bytes(w, n_in, n_tokens, avx512::kMinGroupedTokens);
}

void convert(const QuantFormat& w, const float* x, int64_t n_in, int64_t n_tokens, int64_t t0, int64_t t1,
             uint8_t* act) {
    switch (simd_activation_kind(w)) {
        case SimdActivationKind::Q8_0:
            avx512::convert_q8_0(x, n_in, t0, t1, q8_activation_layout(n_in, n_tokens, n_tokens >= avx512::kMinGroupedTokens),
                                 act);
            return;
        case SimdActivationKind::Widened:
            avx512::convert_widened(w, x, n_in, t0, t1, reinterpret_cast<float*>(act));
            return;
        case SimdActivationKind::Reference: break;
    }
    if (w.vec_dot_type == TensorType::Q8_K) avx512::convert_q8_k(x, n_in, t0, t1, act);
    else reference_convert_activations(w, x, n_in, t0, t1, act);
}

void gemm_rows(const WeightMatrix& w, int64_t row0, int64_t row1, const uint8_t* act, int64_t n_tokens, float* y) {
    switch (simd_activation_kind(*w.format)) {
        case SimdActivationKind::Q8_0: {
            const Q8ActivationLayout l = q8_activation_layout(w.n_in, n_tokens, n_tokens >= avx512::kMinGroupedTokens);
            if (w.type == TensorType::Q4_0) avx512::gemm_q4_0(w, row0, row1, l, act, y);
            else if (w.type == TensorType::Q8_0) avx512::gemm_q8_0(w, row0, row1, l, act, y);
            else if (n_tokens > 1 && avx512::block32_gemm(w.type))
                avx512::block32_gemm(w.type)(w, row0, row1, act + l.rows, l.row_stride, n_tokens, y);
            else reference_gemm_rows(w, row0, row1, act + l.rows, l.row_stride, n_tokens, y, avx512::block32_dot(w.type));
            return;
        }
        case SimdActivationKind::Widened:
            avx512::gemm_float(w, row0, row1, reinterpret_cast<const float*>(act), n_tokens, y);
            return;
        case SimdActivationKind::Reference: break;
    }
    const size_t stride = reference_activation_bytes(*w.format, w.n_in, 1);
    if (n_tokens == 1 && w.type == TensorType::Q4_K) {
        avx512::q4_k_rows_one_token(w, row0, row1, act, y);
        return;
    }
    if (n_tokens > 1) {
        avx512::KQuantGemm gemm = avx512::k_quant_gemm(w.type);
        if (!gemm) gemm = avx512::block32_gemm(w.type);
        if (gemm) {
            gemm(w, row0, row1, act, stride, n_tokens, y);
            return;
        }
    }
    const avx512::RowDot dot = avx512::k_quant_dot(w.type);
    reference_gemm_rows(w, row0, row1, act, stride, n_tokens, y, dot ? dot : avx512::block32_dot(w.type));
}

// The Q4_0 and Q8_0 decode kernels stream 16 rows at a time, the Q4_K one 4: repacked, those rows are
// one sequential stream.
RowLayout decode_layout(TensorType type) {
    switch (type) {
        case TensorType::Q4_0:
        case TensorType::Q8_0: return RowLayout::Interleaved16;
        case TensorType::Q4_K: return RowLayout::Interleaved4;
        default: return RowLayout::RowMajor;
    }
}

const Kernels kAvx512{SimdLevel::Avx512, "AVX-512 VNNI", activation_bytes, convert, gemm_rows,
                     avx512::silu_mul, decode_layout};

}  // namespace

const Kernels* avx512_kernels() { return &kAvx512; }

}  // namespace chord
