#pragma once
// The 32-element block formats' weights as the x86 integer dots take them: Q4_1 / Q5_1 (Q8_1 activation
// rows) and Q5_0 / IQ4_NL (Q8_0 rows), for the row dots (x86_block32_dots.h) and the batch kernels
// (x86_block32_tiles.h). One 256-bit register holds a block's 32 weights in element order.
//
// Internal linkage, like k4_row_dots.h: each x86 folder compiles it with its own flags and brings Isa:
//   static __m256i fifth_bits(const uint8_t* qh)  0x10 in byte j where bit j of qh is set
//   static __m256i lanes_u(__m256i q, __m256i a)  int32 lane l = Σ q·a over elements 4l…4l+3, q unsigned
//   static __m256i lanes_s(__m256i w, __m256i a)  the same for signed weights (also on __m512i: two blocks)
//   hsum8 (ggml's hsum_float_8), hsum_i32_x4 (four int32x8 horizontal sums, in order)
#include "kernels/x86_intrinsics.h"

#include <cstdint>

#include "quant/blocks.h"

namespace chord {
namespace {

inline __m256i block32_load(const int8_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }

// A block's 32 4-bit codes in element order (byte j < 16: low nibble of qs[j], byte 16 + j: its high nibble).
inline __m256i block32_nibbles(const uint8_t* qs) {
    const __m128i raw = _mm_loadu_si128(reinterpret_cast<const __m128i*>(qs));
    return _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(raw, 4), raw), _mm256_set1_epi8(0x0F));
}

// The formats' decoders: codes() turns a block into the int8 lanes the integer dot takes (once per block),
// lanes() is that dot with a token's activations (a register of blocks: 256 bits, or 512 for two tokens).
// kBlockSums: the float steps fuse whole-block integer sums (IQ4_NL) instead of 8 lanes
// (x86_block32_dots.h); a Block with m (Q4_1 / Q5_1) adds minimum terms.

// What the formats of one activation type share: unsigned codes with Q8_1 rows (Q4_1, Q5_1), signed
// weights with Q8_0 rows (Q5_0, IQ4_NL).
template <class Isa, class ActBlock, bool kSigned>
struct CodesWith {
    using Act = ActBlock;
    static constexpr bool kBlockSums = false;
    template <class V>
    static V lanes(V w, V a) {
        if constexpr (kSigned) return Isa::lanes_s(w, a);
        else return Isa::lanes_u(w, a);
    }
};
template <class Isa>
using UnsignedCodes = CodesWith<Isa, BlockQ8_1, false>;
template <class Isa>
using SignedCodes = CodesWith<Isa, BlockQ8_0, true>;

template <class Isa>
struct Q4_1Codes : UnsignedCodes<Isa> {
    using Block = BlockQ4_1;
    static __m256i codes(const Block& b) { return block32_nibbles(b.qs); }
};

template <class Isa>
struct Q5_1Codes : UnsignedCodes<Isa> {
    using Block = BlockQ5_1;
    static __m256i codes(const Block& b) { return _mm256_or_si256(block32_nibbles(b.qs), Isa::fifth_bits(b.qh)); }
};

template <class Isa>
struct Q5_0Codes : SignedCodes<Isa> {
    using Block = BlockQ5_0;
    static __m256i codes(const Block& b) {
        return _mm256_sub_epi8(_mm256_or_si256(block32_nibbles(b.qs), Isa::fifth_bits(b.qh)), _mm256_set1_epi8(16));
    }
};

// The codes index the 16 signed levels.
template <class Isa>
struct IQ4_NLCodes : SignedCodes<Isa> {
    using Block = BlockIQ4_NL;
    static constexpr bool kBlockSums = true;
    static __m256i codes(const Block& b) {
        const __m256i levels = _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(kIq4nlValues)));
        return _mm256_shuffle_epi8(levels, block32_nibbles(b.qs));
    }
};

}  // namespace
}  // namespace chord
