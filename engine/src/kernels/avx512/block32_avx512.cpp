// AVX-512 VNNI kernels of the 32-element block formats: Q4_1 and Q5_1 weights with Q8_1 activation rows,
// Q5_0 and IQ4_NL weights with Q8_0 rows. The row dots (kernels/x86_block32_dots.h) and the batch kernels
// (kernels/x86_block32_tiles.h) are shared with AVX2; this folder brings the integer steps.
//
// Integers: vpdpbusd multiplies unsigned codes (signed weights: |w| with sign(a, w)) by the activation
// bytes and leaves int32 lane l = the products of elements 4l…4l+3, exact.
// (Blocks are 18-24 bytes, so 512-bit registers would only add shuffles; the loads bound the speed.)
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
    static float hsum8(__m256 v) { return avx512::hsum8(v); }
    static __m128i hsum_i32_x4(__m256i a, __m256i b, __m256i c, __m256i d) { return avx512::hsum_i32_x4(a, b, c, d); }
};

}  // namespace

RowDot block32_dot(TensorType type) { return block32_row_dot<Block32Isa>(type); }

KQuantGemm block32_gemm(TensorType type) {
    constexpr int kTile = 8;  // tokens per weight pass (8 running registers)
    return block32_tile_gemm<Block32Isa, kTile>(type);
}

}  // namespace chord::avx512
