// NEON integer dots for Q4_0 and Q8_0 weights with Q8_0 activation rows. Q4_0 nibbles become signed
// (q − 8), so both operands are signed bytes: SDOT when the CPU has dotprod, else widening multiplies
// (SMULL) with pairwise accumulation (SADALP). Each block's integer sum is exact, and blocks are added
// in the reference's order (sum += isum · (d_w · d_a)), so results equal the scalar reference bit for bit.
// Rows are taken in pairs so each activation block is loaded once for two rows.
#include <arm_neon.h>

#include "kernels/neon/neon_kernels.h"
#include "model/weights.h"
#include "quant/blocks.h"

namespace chord::neon {

namespace {

float f16(uint16_t h) { return vgetq_lane_f32(vcvt_f32_f16(vreinterpret_f16_u16(vdup_n_u16(h))), 0); }

struct DotProd {
    static int32x4_t dot(int32x4_t acc, int8x16_t a, int8x16_t b) { return vdotq_s32(acc, a, b); }
};
struct Base {
    static int32x4_t dot(int32x4_t acc, int8x16_t a, int8x16_t b) {
        acc = vpadalq_s16(acc, vmull_s8(vget_low_s8(a), vget_low_s8(b)));
        return vpadalq_s16(acc, vmull_high_s8(a, b));
    }
};

// The 32 weights of a block as two signed 16-byte halves (elements 0-15, 16-31).
struct Q4_0 {
    using Block = BlockQ4_0;
    static void load(const Block& b, int8x16_t& lo, int8x16_t& hi) {
        const uint8x16_t q = vld1q_u8(b.qs);
        const int8x16_t eight = vdupq_n_s8(8);
        lo = vsubq_s8(vreinterpretq_s8_u8(vandq_u8(q, vdupq_n_u8(0x0F))), eight);
        hi = vsubq_s8(vreinterpretq_s8_u8(vshrq_n_u8(q, 4)), eight);
    }
};
struct Q8_0 {
    using Block = BlockQ8_0;
    static void load(const Block& b, int8x16_t& lo, int8x16_t& hi) {
        lo = vld1q_s8(b.qs);
        hi = vld1q_s8(b.qs + 16);
    }
};

template <typename F, typename D, int R>
void rows_one_token(const typename F::Block* const* wrows, int64_t nb, const BlockQ8_0* a, float* out[R]) {
    float sum[R] = {};
    for (int64_t k = 0; k < nb; ++k) {
        const int8x16_t a0 = vld1q_s8(a[k].qs);
        const int8x16_t a1 = vld1q_s8(a[k].qs + 16);
        const float da = f16(a[k].d);
        for (int r = 0; r < R; ++r) {
            int8x16_t lo, hi;
            F::load(wrows[r][k], lo, hi);
            const int32x4_t acc = D::dot(D::dot(vdupq_n_s32(0), lo, a0), hi, a1);
            sum[r] += static_cast<float>(vaddvq_s32(acc)) * (f16(wrows[r][k].d) * da);
        }
    }
    for (int r = 0; r < R; ++r) *out[r] = sum[r];
}

template <typename F, typename D>
void gemm(const WeightMatrix& w, int64_t row0, int64_t row1, const uint8_t* act, int64_t n_tokens, float* y) {
    using Block = typename F::Block;
    const int64_t nb = w.n_in / kQK8_0;
    for (int64_t t = 0; t < n_tokens; ++t) {
        const BlockQ8_0* a = reinterpret_cast<const BlockQ8_0*>(act) + t * nb;
        float* yt = y + t * w.n_out;
        int64_t r = row0;
        for (; r + 2 <= row1; r += 2) {
            const Block* rows[2] = {reinterpret_cast<const Block*>(w.data + static_cast<size_t>(r) * w.row_bytes),
                                    reinterpret_cast<const Block*>(w.data + static_cast<size_t>(r + 1) * w.row_bytes)};
            float* out[2] = {yt + r, yt + r + 1};
            rows_one_token<F, D, 2>(rows, nb, a, out);
        }
        if (r < row1) {
            const Block* rows[1] = {reinterpret_cast<const Block*>(w.data + static_cast<size_t>(r) * w.row_bytes)};
            float* out[1] = {yt + r};
            rows_one_token<F, D, 1>(rows, nb, a, out);
        }
    }
}

template <typename D>
void gemm_q8(const WeightMatrix& w, int64_t row0, int64_t row1, const uint8_t* act, int64_t n_tokens, float* y) {
    if (w.type == TensorType::Q4_0) gemm<Q4_0, D>(w, row0, row1, act, n_tokens, y);
    else gemm<Q8_0, D>(w, row0, row1, act, n_tokens, y);
}

}  // namespace

void gemm_q8_dotprod(const WeightMatrix& w, int64_t row0, int64_t row1, const uint8_t* act, int64_t n_tokens, float* y) {
    gemm_q8<DotProd>(w, row0, row1, act, n_tokens, y);
}

void gemm_q8_base(const WeightMatrix& w, int64_t row0, int64_t row1, const uint8_t* act, int64_t n_tokens, float* y) {
    gemm_q8<Base>(w, row0, row1, act, n_tokens, y);
}

}  // namespace chord::neon
