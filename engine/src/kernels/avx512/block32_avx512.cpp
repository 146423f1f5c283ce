// AVX-512 VNNI kernels of the 32-element block formats: Q4_1 and Q5_1 weights with Q8_1 activation rows,
// Q5_0 and IQ4_NL weights with Q8_0 rows. The row dots (kernels/x86_block32_dots.h) and the batch kernels
// (kernels/x86_block32_tiles.h) are shared with AVX2; this folder brings the integer steps.
//
// Integers: vpdpbusd multiplies unsigned codes (signed weights: |w| with sign(a, w)) by the activation
// bytes and leaves int32 lane l = the products of elements 4l…4l+3, exact.
// (Blocks are 18-24 bytes, so the row dots keep 256-bit registers: 512 bits would only add shuffles, the
// loads bound the speed. The batch kernels fill both halves with one block and two tokens.)
#include "kernels/x86_intrinsics.h"

#include <cstdint>
#include <cstring>

#include "kernels/avx512/avx512_kernels.h"
#include "kernels/avx512/lanes_avx512.h"
#include "kernels/x86_block32_dots.h"
#include "kernels/x86_block32_tiles.h"

namespace chord::avx512 {

namespace {

struct Block32Isa {
    static __m256i fifth_bits(const uint8_t* qh) {
        uint32_t bits;
        std::memcpy(&bits, qh, 4);
        return _mm256_maskz_mov_epi8(bits, _mm256_set1_epi8(0x10));
    }
    static __m256i lanes_u(__m256i q, __m256i a) { return _mm256_dpbusd_epi32(_mm256_setzero_si256(), q, a); }
    static __m256i lanes_s(__m256i w, __m256i a) {
        return _mm256_dpbusd_epi32(_mm256_setzero_si256(), _mm256_abs_epi8(w), _mm256_sign_epi8(a, w));
    }
    static __m512i lanes_u(__m512i q, __m512i a) { return _mm512_dpbusd_epi32(_mm512_setzero_si512(), q, a); }
    static __m512i lanes_s(__m512i w, __m512i a) {  // no 512-bit sign_epi8: negate a where w < 0
        const __m512i signed_a = _mm512_mask_sub_epi8(a, _mm512_movepi8_mask(w), _mm512_setzero_si512(), a);
        return _mm512_dpbusd_epi32(_mm512_setzero_si512(), _mm512_abs_epi8(w), signed_a);
    }
    // Batch kernels: two tokens per register, the block's codes in both halves.
    using Sums = __m512;
    static constexpr int kTokensPerSums = 2;
    static Sums zero_sums() { return _mm512_setzero_ps(); }
    template <class Codes>
    static Sums add_lanes(Sums acc, __m256i codes, const int8_t* a0, const int8_t* a1, __m256 d, int t0) {
        const __m512i a = _mm512_inserti64x4(_mm512_castsi256_si512(load256(a0)), load256(a1), 1);
        const __m512i pick = _mm512_inserti64x4(_mm512_set1_epi32(t0), _mm256_set1_epi32(t0 + 1), 1);
        return _mm512_fmadd_ps(_mm512_cvtepi32_ps(Codes::lanes(_mm512_broadcast_i64x4(codes), a)),
                               _mm512_permutexvar_ps(pick, _mm512_castps256_ps512(d)), acc);
    }
    static __m256 token_sums(Sums s, int k) { return k ? _mm512_extractf32x8_ps(s, 1) : _mm512_castps512_ps256(s); }
    static float hsum8(__m256 v) { return avx512::hsum8(v); }
    static __m128i hsum_i32_x4(__m256i a, __m256i b, __m256i c, __m256i d) { return avx512::hsum_i32_x4(a, b, c, d); }
};

}  // namespace

RowDot block32_dot(TensorType type) { return block32_row_dot<Block32Isa>(type); }

KQuantGemm block32_gemm(TensorType type) {
    constexpr int kTile = 8;  // tokens per weight pass (4 registers of running sums)
    return block32_tile_gemm<Block32Isa, kTile>(type);
}

}  // namespace chord::avx512
