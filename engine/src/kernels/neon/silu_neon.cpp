// NEON SiLU·mul: gate = gate / (1 + e^(−gate)) · up, with the vector exp of exp_neon.h.
#include "kernels/neon/exp_neon.h"
#include "kernels/neon/neon_kernels.h"

namespace chord::neon {

void silu_mul(float* gate, const float* up, int64_t n) {
    const float32x4_t one = vdupq_n_f32(1.0f);
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const float32x4_t g = vld1q_f32(gate + i);
        const float32x4_t s = vdivq_f32(g, vaddq_f32(one, exp4(vnegq_f32(g))));
        vst1q_f32(gate + i, vmulq_f32(s, vld1q_f32(up + i)));
    }
    for (; i < n; ++i) {
        const float32x4_t g = vdupq_n_f32(gate[i]);
        const float32x4_t s = vdivq_f32(g, vaddq_f32(one, exp4(vnegq_f32(g))));
        gate[i] = vgetq_lane_f32(s, 0) * up[i];
    }
}

}  // namespace chord::neon
