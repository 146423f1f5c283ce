// The NEON kernel tables: SIMD kernels for Q4_0, Q8_0 (SDOT with dotprod, SMULL/SADALP without), F16,
// BF16 and F32 weights, and row dots for Q2_K … Q6_K, IQ4_XS, Q4_1, Q5_0, Q5_1 and IQ4_NL (same two
// variants); other types go through the scalar reference on plain rows.
#include "kernels/cpu_features.h"
#include "kernels/kernels.h"
#include "kernels/neon/neon_kernels.h"
#include "kernels/q8_activations.h"
#include "kernels/reference_kernels.h"
#include "model/weights.h"
#include "quant/quant.h"

namespace chord {

namespace {

size_t activation_bytes(const QuantFormat& w, int64_t n_in, int64_t n_tokens) {
    if (simd_activation_kind(w) == SimdActivationKind::Widened)
        return static_cast<size_t>(n_in) * static_cast<size_t>(n_tokens) * sizeof(float);
    return reference_activation_bytes(w, n_in, n_tokens);  // Q8_0: plain rows, no bias needed (signed dots)
}

void convert(const QuantFormat& w, const float* x, int64_t n_in, int64_t, int64_t t0, int64_t t1, uint8_t* act) {
    switch (simd_activation_kind(w)) {
        case SimdActivationKind::Q8_0: neon::convert_q8_0_rows(x, n_in, t0, t1, act); return;
        case SimdActivationKind::Widened: neon::convert_widened(w, x, n_in, t0, t1, reinterpret_cast<float*>(act)); return;
        case SimdActivationKind::Reference: break;
    }
    reference_convert_activations(w, x, n_in, t0, t1, act);
}

template <bool kDotProd>
void gemm_rows(const WeightMatrix& w, int64_t row0, int64_t row1, const uint8_t* act, int64_t n_tokens, float* y) {
    if (w.type == TensorType::Q4_0 || w.type == TensorType::Q8_0) {
        if (kDotProd) neon::gemm_q8_dotprod(w, row0, row1, act, n_tokens, y);
        else neon::gemm_q8_base(w, row0, row1, act, n_tokens, y);
        return;
    }
    if (simd_activation_kind(*w.format) == SimdActivationKind::Widened) {
        neon::gemm_float(w, row0, row1, reinterpret_cast<const float*>(act), n_tokens, y);
        return;
    }
    neon::RowDot dot = kDotProd ? neon::k_quant_dot_dotprod(w.type) : neon::k_quant_dot_base(w.type);
    if (!dot) dot = kDotProd ? neon::block32_dot_dotprod(w.type) : neon::block32_dot_base(w.type);
    reference_gemm_rows(w, row0, row1, act, reference_activation_bytes(*w.format, w.n_in, 1), n_tokens, y, dot);
}

const Kernels kNeonDotProd{SimdLevel::Neon, "NEON+dotprod", activation_bytes, convert, gemm_rows<true>, neon::silu_mul,
                           nullptr};
const Kernels kNeon{SimdLevel::Neon, "NEON", activation_bytes, convert, gemm_rows<false>, neon::silu_mul, nullptr};

}  // namespace

const Kernels* neon_kernels() { return cpu_features().dotprod ? &kNeonDotProd : &kNeon; }

}  // namespace chord
