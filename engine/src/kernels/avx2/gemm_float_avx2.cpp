// AVX2 F32 / F16 / BF16 dots with widened activations, in ggml's AVX-512 F16 order (see
// kernels/avx512/gemm_float_avx512.cpp): its 16-lane accumulators are emulated by pairs of 8-lane
// registers, so lane by lane the arithmetic is the same and F16 stays bit-identical to the reference.
#include "kernels/x86_intrinsics.h"

#include "kernels/avx2/avx2_kernels.h"
#include "model/weights.h"
#include "quant/quant.h"

namespace chord::avx2 {

namespace {

struct F32W {
    using Elem = float;
    static __m256 load(const float* p) { return _mm256_loadu_ps(p); }
    static float one(const float* p) { return *p; }
};
struct F16W {
    using Elem = uint16_t;
    static __m256 load(const uint16_t* p) { return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))); }
    static float one(const uint16_t* p) { return _cvtsh_ss(*p); }
};
struct BF16W {
    using Elem = uint16_t;
    static __m256 load(const uint16_t* p) {
        const __m256i wide = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
        return _mm256_castsi256_ps(_mm256_slli_epi32(wide, 16));
    }
    static float one(const uint16_t* p) {
        const uint32_t bits = static_cast<uint32_t>(*p) << 16;
        float f;
        __builtin_memcpy(&f, &bits, 4);
        return f;
    }
};

// acc[j][0] holds lanes 0-7 of ggml's accumulator j, acc[j][1] lanes 8-15.
float reduce4(const __m256 acc[4][2]) {
    const __m256 lo = _mm256_add_ps(_mm256_add_ps(acc[0][0], acc[2][0]), _mm256_add_ps(acc[1][0], acc[3][0]));
    const __m256 hi = _mm256_add_ps(_mm256_add_ps(acc[0][1], acc[2][1]), _mm256_add_ps(acc[1][1], acc[3][1]));
    const __m256 h8 = _mm256_add_ps(hi, lo);
    const __m128 h4 = _mm_add_ps(_mm256_extractf128_ps(h8, 1), _mm256_castps256_ps128(h8));
    const __m128 h2 = _mm_add_ps(h4, _mm_movehl_ps(h4, h4));
    return _mm_cvtss_f32(_mm_add_ss(h2, _mm_movehdup_ps(h2)));
}

template <typename W>
float dot(const typename W::Elem* w, const float* a, int64_t n) {
    __m256 acc[4][2];
    for (int j = 0; j < 4; ++j) acc[j][0] = acc[j][1] = _mm256_setzero_ps();
    const int64_t n64 = n / 64 * 64;
    for (int64_t i = 0; i < n64; i += 64) {
#pragma GCC unroll 4
        for (int j = 0; j < 4; ++j)
            for (int h = 0; h < 2; ++h) {
                const int64_t o = i + 16 * j + 8 * h;
                acc[j][h] = _mm256_fmadd_ps(W::load(w + o), _mm256_loadu_ps(a + o), acc[j][h]);
            }
    }
    double sum = static_cast<double>(reduce4(acc));
    for (int64_t i = n64; i < n; ++i) sum += static_cast<double>(W::one(w + i) * a[i]);
    return static_cast<float>(sum);
}

template <typename W>
void gemm(const WeightMatrix& w, int64_t row0, int64_t row1, const float* act, int64_t n_tokens, float* y) {
    using Elem = typename W::Elem;
    for (int64_t r = row0; r < row1; ++r) {
        const Elem* row = reinterpret_cast<const Elem*>(w.data + static_cast<size_t>(r) * w.row_bytes);
        for (int64_t t = 0; t < n_tokens; ++t) y[t * w.n_out + r] = dot<W>(row, act + t * w.n_in, w.n_in);
    }
}

}  // namespace

void gemm_float(const WeightMatrix& w, int64_t row0, int64_t row1, const float* act, int64_t n_tokens, float* y) {
    switch (w.type) {
        case TensorType::F16: gemm<F16W>(w, row0, row1, act, n_tokens, y); break;
        case TensorType::BF16: gemm<BF16W>(w, row0, row1, act, n_tokens, y); break;
        default: gemm<F32W>(w, row0, row1, act, n_tokens, y); break;
    }
}

}  // namespace chord::avx2
