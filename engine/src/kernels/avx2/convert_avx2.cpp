// AVX2 activation conversion: float rows → Q8_0 (llama.cpp's x86 rounding) or rounded floats.
#include "kernels/x86_intrinsics.h"


#include "kernels/avx2/avx2_kernels.h"
#include "quant/blocks.h"
#include "quant/quant.h"

namespace chord::avx2 {

namespace {

float hmax256(__m256 v) {
    __m128 m = _mm_max_ps(_mm256_extractf128_ps(v, 1), _mm256_castps256_ps128(v));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_movehdup_ps(m));
    return _mm_cvtss_f32(m);
}

int32_t hsum_epi32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_extracti128_si256(v, 1), _mm256_castsi256_si128(v));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
    return _mm_cvtsi128_si32(s);
}

// One Q8_0 block of 32 floats: d = amax/127 (stored fp16), q = round-half-even(x·127/amax). Returns Σq.
int32_t quantize_block(const float* x, BlockQ8_0* out) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    __m256 v[4];
    __m256 amax_v = _mm256_setzero_ps();
    for (int i = 0; i < 4; ++i) {
        v[i] = _mm256_loadu_ps(x + 8 * i);
        amax_v = _mm256_max_ps(amax_v, _mm256_andnot_ps(sign, v[i]));
    }
    const float amax = hmax256(amax_v);
    const float d = amax / 127.0f;
    const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
    out->d = static_cast<uint16_t>(_cvtss_sh(d, _MM_FROUND_TO_NEAREST_INT));
    const __m256 idv = _mm256_set1_ps(id);
    __m256i q[4];
    for (int i = 0; i < 4; ++i) q[i] = _mm256_cvtps_epi32(_mm256_mul_ps(v[i], idv));  // nearest-even
    const int32_t sum = hsum_epi32(_mm256_add_epi32(_mm256_add_epi32(q[0], q[1]), _mm256_add_epi32(q[2], q[3])));
    // Packing works per 128-bit lane; the final permute restores element order.
    const __m256i p01 = _mm256_packs_epi32(q[0], q[1]);
    const __m256i p23 = _mm256_packs_epi32(q[2], q[3]);
    const __m256i p = _mm256_packs_epi16(p01, p23);
    const __m256i ordered = _mm256_permutevar8x32_epi32(p, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out->qs), ordered);
    return sum;
}

__m256 round_through_bf16(__m256 x) {
    const __m256i u = _mm256_castps_si256(x);
    const __m256i lsb = _mm256_and_si256(_mm256_srli_epi32(u, 16), _mm256_set1_epi32(1));
    const __m256i rounded = _mm256_add_epi32(u, _mm256_add_epi32(_mm256_set1_epi32(0x7fff), lsb));
    const __m256i quiet = _mm256_or_si256(u, _mm256_set1_epi32(0x00400000));
    const __m256 nan = _mm256_cmp_ps(x, x, _CMP_UNORD_Q);
    const __m256i r = _mm256_castps_si256(
        _mm256_blendv_ps(_mm256_castsi256_ps(rounded), _mm256_castsi256_ps(quiet), nan));
    return _mm256_castsi256_ps(_mm256_and_si256(r, _mm256_set1_epi32(static_cast<int32_t>(0xFFFF0000u))));
}

__m256 round_through_f16(__m256 x) { return _mm256_cvtph_ps(_mm256_cvtps_ph(x, _MM_FROUND_TO_NEAREST_INT)); }

}  // namespace

void convert_q8_0(const float* x, int64_t n_in, int64_t t0, int64_t t1, const Q8ActivationLayout& layout, uint8_t* act) {
    // Σq of each block goes into the bias8 section, which fill_q8_block_sums then turns into the biases.
    // (No std containers here: their out-of-line copies would be compiled with this folder's flags.)
    const int64_t nb = layout.n_blocks;
    auto* sums = reinterpret_cast<int32_t*>(act + layout.bias8);
    for (int64_t t = t0; t < t1; ++t) {
        auto* rows = reinterpret_cast<BlockQ8_0*>(act + layout.rows + static_cast<size_t>(t) * layout.row_stride);
        const float* xr = x + t * n_in;
        for (int64_t b = 0; b < nb; ++b) sums[t * nb + b] = quantize_block(xr + b * kQK8_0, rows + b);
    }
    fill_q8_block_sums(layout, act, t0, t1);
    if (layout.n_groups > 0)
        for (int64_t g = t0 / kTokenGroupLanes; g * kTokenGroupLanes < t1; ++g) pack_q8_token_group(layout, act, g);
}

void convert_widened(const QuantFormat& w, const float* x, int64_t n_in, int64_t t0, int64_t t1, float* act) {
    const int64_t n = (t1 - t0) * n_in;  // n_in is a multiple of 32 for every type with a block; F32 rows may not be
    const float* src = x + t0 * n_in;
    float* dst = act + t0 * n_in;
    const TensorType type = w.vec_dot_type;
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(src + i);
        if (type == TensorType::F16) v = round_through_f16(v);
        else if (type == TensorType::BF16) v = round_through_bf16(v);
        _mm256_storeu_ps(dst + i, v);
    }
    for (; i < n; ++i) {
        __m256 v = _mm256_set1_ps(src[i]);
        if (type == TensorType::F16) v = round_through_f16(v);
        else if (type == TensorType::BF16) v = round_through_bf16(v);
        dst[i] = _mm256_cvtss_f32(v);
    }
}

}  // namespace chord::avx2
