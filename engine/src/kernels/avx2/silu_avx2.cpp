// AVX2 SiLU·mul: gate = gate / (1 + e^(−gate)) · up, with the vector exp of exp_avx2.h.
#include "kernels/avx2/avx2_kernels.h"
#include "kernels/avx2/exp_avx2.h"

namespace chord::avx2 {

void silu_mul(float* gate, const float* up, int64_t n) {
    const __m256 one = _mm256_set1_ps(1.0f);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 g = _mm256_loadu_ps(gate + i);
        const __m256 e = exp8(_mm256_sub_ps(_mm256_setzero_ps(), g));
        _mm256_storeu_ps(gate + i, _mm256_mul_ps(_mm256_div_ps(g, _mm256_add_ps(one, e)), _mm256_loadu_ps(up + i)));
    }
    if (i < n) {
        alignas(32) float g[8] = {}, u[8] = {};
        for (int64_t j = i; j < n; ++j) g[j - i] = gate[j], u[j - i] = up[j];
        const __m256 gv = _mm256_load_ps(g);
        const __m256 e = exp8(_mm256_sub_ps(_mm256_setzero_ps(), gv));
        _mm256_store_ps(g, _mm256_mul_ps(_mm256_div_ps(gv, _mm256_add_ps(one, e)), _mm256_load_ps(u)));
        for (int64_t j = i; j < n; ++j) gate[j] = g[j - i];
    }
}

}  // namespace chord::avx2
