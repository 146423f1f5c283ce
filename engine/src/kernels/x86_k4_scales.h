#pragma once
// The Q4_K / Q5_K scales and mins unpacked in an SSE register (both x86 folders; internal linkage, each
// folder compiles it with its own flags). Bytes written one by one and read back as a vector would stall
// on store forwarding.
#include "kernels/x86_intrinsics.h"

#include <cstdint>

namespace chord {
namespace {

// Bytes 0-7: the 6-bit scales sc[0…7]; bytes 8-15: the mins mn[0…7], as unpack_k4_scales
// (k_quant_scales.h) computes them from the 12 packed bytes as three words w0, w1, w2. Reads 16 bytes
// (the block's qs follow the scales).
inline __m128i k4_scales_mins(const uint8_t* packed) {
    const __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i*>(packed));
    const __m128i p = _mm_shuffle_epi32(w, _MM_SHUFFLE(2, 1, 2, 0));  // w0 w2 w1 w2
    const __m128i q = _mm_shuffle_epi32(w, _MM_SHUFFLE(1, 1, 0, 0));  // w0 w0 w1 w1
    const __m128i low = _mm_and_si128(p, _mm_set1_epi8(0x3f));          // sc 0-3, mn 0-3
    const __m128i high = _mm_or_si128(_mm_and_si128(_mm_srlv_epi32(p, _mm_setr_epi32(0, 0, 0, 4)), _mm_set1_epi8(0x0f)),
                                      _mm_slli_epi32(_mm_and_si128(_mm_srli_epi32(q, 6), _mm_set1_epi8(0x03)), 4));
    return _mm_blend_epi32(low, high, 0b1010);  // sc 0-3, sc 4-7, mn 0-3, mn 4-7
}

// mn[g/2] for the 16 groups g of 16 activations, as int16.
inline __m256i k4_group_mins(__m128i scales_mins) {
    const __m128i mn = _mm_unpackhi_epi64(scales_mins, scales_mins);
    return _mm256_cvtepu8_epi16(_mm_unpacklo_epi8(mn, mn));
}

}  // namespace
}  // namespace chord
