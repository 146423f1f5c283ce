// AVX2 kernels of the 32-element block formats: Q4_1 and Q5_1 weights with Q8_1 activation rows, Q5_0 and
// IQ4_NL weights with Q8_0 rows. The row dots (kernels/x86_block32_dots.h) and the batch kernels
// (kernels/x86_block32_tiles.h) are shared with AVX-512; this folder brings the integer steps.
//
// Integers: maddubs multiplies unsigned codes (signed weights: |w| with sign(a, w)) by the activation bytes
// into 16-bit pairs that never saturate (≤ 2·127·127), madd by ones leaves int32 lane l = the products of
// elements 4l…4l+3. Every integer is exact.
#include "kernels/x86_intrinsics.h"

#include <cstdint>
#include <cstring>

#include "kernels/avx2/avx2_kernels.h"
#include "kernels/avx2/lanes_avx2.h"
#include "kernels/x86_block32_dots.h"
#include "kernels/x86_block32_tiles.h"

namespace chord::avx2 {

namespace {

struct Block32Isa {
    static __m256i fifth_bits(const uint8_t* qh) {
        int32_t bits;
        std::memcpy(&bits, qh, 4);
        // Byte j takes qh byte j/8, then tests its bit j%8.
        const __m256i spread = _mm256_shuffle_epi8(_mm256_set1_epi32(bits),
                                                   _mm256_setr_epi64x(0, 0x0101010101010101, 0x0202020202020202,
                                                                      0x0303030303030303));
        const __m256i bit = _mm256_set1_epi64x(static_cast<int64_t>(0x8040201008040201));
        return _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(spread, bit), bit), _mm256_set1_epi8(0x10));
    }
    static __m256i lanes_u(__m256i q, __m256i a) {
        return _mm256_madd_epi16(_mm256_maddubs_epi16(q, a), _mm256_set1_epi16(1));
    }
    static __m256i lanes_s(__m256i w, __m256i a) { return lanes_u(_mm256_sign_epi8(w, w), _mm256_sign_epi8(a, w)); }
    // Batch kernels: one token per register.
    using Sums = __m256;
    static constexpr int kTokensPerSums = 1;
    static Sums zero_sums() { return _mm256_setzero_ps(); }
    template <class Codes>
    static Sums add_lanes(Sums acc, __m256i codes, const int8_t* a0, const int8_t* /*a1*/, __m256 d, int t0) {
        return _mm256_fmadd_ps(_mm256_cvtepi32_ps(Codes::lanes(codes, load(a0))),
                               _mm256_permutevar8x32_ps(d, _mm256_set1_epi32(t0)), acc);
    }
    static __m256 token_sums(Sums s, int /*k*/) { return s; }
    static float hsum8(__m256 v) { return avx2::hsum8(v); }
    static __m128i hsum_i32_x4(__m256i a, __m256i b, __m256i c, __m256i d) { return avx2::hsum_i32_x4(a, b, c, d); }
};

}  // namespace

RowDot block32_dot(TensorType type) { return block32_row_dot<Block32Isa>(type); }

KQuantGemm block32_gemm(TensorType type) {
    constexpr int kTile = 8;  // tokens per weight pass (8 running registers of 16: measured faster than 4)
    return block32_tile_gemm<Block32Isa, kTile>(type);
}

}  // namespace chord::avx2
