// Scalar reference matmul: every weight type through its QuantFormat's vec_dot.
#include "kernels/kernels.h"
#include "model/weights.h"

namespace chord {

namespace {

void gemm_rows_scalar(const WeightMatrix& w, int64_t row0, int64_t row1, const uint8_t* act, size_t act_stride,
                      int64_t n_tokens, float* y) {
    const auto dot = w.format->vec_dot;
    for (int64_t r = row0; r < row1; ++r) {
        const uint8_t* wr = w.row(r);
        for (int64_t t = 0; t < n_tokens; ++t) y[t * w.n_out + r] = dot(wr, act + static_cast<size_t>(t) * act_stride, w.n_in);
    }
}

const Kernels kScalar{SimdLevel::Scalar, "Scalar", gemm_rows_scalar};

}  // namespace

const Kernels* scalar_kernels() { return &kScalar; }

}  // namespace chord
