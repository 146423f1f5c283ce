// AVX-512 activation conversion: float rows → Q8_0 (llama.cpp's x86 rounding) or rounded floats.
#include "kernels/x86_intrinsics.h"


#include "kernels/avx512/avx512_kernels.h"
#include "quant/blocks.h"
#include "quant/quant.h"

namespace chord::avx512 {

namespace {

// One Q8_0 block of 32 floats: d = amax/127 (stored fp16), q = round-half-even(x·127/amax). Returns Σq.
int32_t quantize_block(const float* x, BlockQ8_0* out) {
    const __m512 x0 = _mm512_loadu_ps(x);
    const __m512 x1 = _mm512_loadu_ps(x + 16);
    const __m512 amax_v = _mm512_max_ps(_mm512_abs_ps(x0), _mm512_abs_ps(x1));
    const float amax = _mm512_reduce_max_ps(amax_v);
    const float d = amax / 127.0f;
    const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
    out->d = static_cast<uint16_t>(_cvtss_sh(d, _MM_FROUND_TO_NEAREST_INT));
    const __m512 idv = _mm512_set1_ps(id);
    // cvtps_epi32 rounds with MXCSR's mode (nearest-even), as nearbyintf does.
    const __m512i q0 = _mm512_cvtps_epi32(_mm512_mul_ps(x0, idv));
    const __m512i q1 = _mm512_cvtps_epi32(_mm512_mul_ps(x1, idv));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out->qs), _mm512_cvtsepi32_epi8(q0));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out->qs + 16), _mm512_cvtsepi32_epi8(q1));
    return _mm512_reduce_add_epi32(_mm512_add_epi32(q0, q1));
}

// f32 → bf16 → f32 with round-to-nearest-even, NaN kept quiet (as quant/fp16.h's fp32_to_bf16).
__m512 round_through_bf16(__m512 x) {
    const __m512i u = _mm512_castps_si512(x);
    const __m512i lsb = _mm512_and_si512(_mm512_srli_epi32(u, 16), _mm512_set1_epi32(1));
    const __m512i rounded = _mm512_add_epi32(u, _mm512_add_epi32(_mm512_set1_epi32(0x7fff), lsb));
    const __mmask16 nan = _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q);
    const __m512i r = _mm512_mask_or_epi32(rounded, nan, u, _mm512_set1_epi32(0x00400000));
    return _mm512_castsi512_ps(_mm512_and_si512(r, _mm512_set1_epi32(static_cast<int32_t>(0xFFFF0000u))));
}

__m512 round_through_f16(__m512 x) {
    return _mm512_cvtph_ps(_mm512_cvtps_ph(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}

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
    const int64_t n = (t1 - t0) * n_in;
    const float* src = x + t0 * n_in;
    float* dst = act + t0 * n_in;
    const TensorType type = w.vec_dot_type;
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512 v = _mm512_loadu_ps(src + i);
        if (type == TensorType::F16) v = round_through_f16(v);
        else if (type == TensorType::BF16) v = round_through_bf16(v);
        _mm512_storeu_ps(dst + i, v);
    }
    if (i < n) {
        const __mmask16 m = static_cast<__mmask16>((1u << (n - i)) - 1u);
        __m512 v = _mm512_maskz_loadu_ps(m, src + i);
        if (type == TensorType::F16) v = round_through_f16(v);
        else if (type == TensorType::BF16) v = round_through_bf16(v);
        _mm512_mask_storeu_ps(dst + i, m, v);
    }
}

}  // namespace chord::avx512
