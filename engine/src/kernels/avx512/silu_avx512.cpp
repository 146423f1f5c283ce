// AVX-512 SiLU·mul: gate = gate / (1 + e^(−gate)) · up, as ggml_vec_swiglu_f32 computes one row: whole
// 16-element chunks with the vector exp of exp_avx512.h, the last n % 16 with the C library's expf.
// Callers pass one row at a time so the chunks start where ggml's do.
#include <cmath>

#include "kernels/avx512/avx512_kernels.h"
#include "kernels/avx512/exp_avx512.h"

namespace chord::avx512 {

void silu_mul(float* gate, const float* up, int64_t n) {
    const __m512 one = _mm512_set1_ps(1.0f);
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m512 g = _mm512_loadu_ps(gate + i);
        const __m512 e = exp16(_mm512_sub_ps(_mm512_setzero_ps(), g));
        const __m512 s = _mm512_div_ps(g, _mm512_add_ps(one, e));
        _mm512_storeu_ps(gate + i, _mm512_mul_ps(s, _mm512_loadu_ps(up + i)));
    }
    for (; i < n; ++i) gate[i] = gate[i] / (1.0f + std::exp(-gate[i])) * up[i];
}

}  // namespace chord::avx512
