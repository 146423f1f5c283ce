#pragma once
// Block structs of the 256-element "super-block" ggml formats (K-quants, Q8_K, IQ4_XS), byte for byte
// as ggml lays them out. Elements are numbered 0…255 within a super-block.
#include <cstdint>

namespace chord {

constexpr int kQK_K = 256;

// Q2_K, 84 bytes. 16 sub-blocks of 16 elements, x = d·sc·q − dmin·mn.
//   scales[16]: sub-block s has sc = scales[s] & 15, mn = scales[s] >> 4.
//   qs[64]: 2-bit q (0…3). For half h (elements 128h…128h+127), byte qs[32h + l] holds
//           elements 128h + l (bits 0-1), +32 (bits 2-3), +64 (bits 4-5), +96 (bits 6-7), l in 0…31.
//   d, dmin: fp16 super-block scales of the 4-bit scales and mins.
struct BlockQ2_K {
    uint8_t scales[kQK_K / 16];
    uint8_t qs[kQK_K / 4];
    uint16_t d;
    uint16_t dmin;
};
static_assert(sizeof(BlockQ2_K) == 84);

// Q3_K, 110 bytes. 16 sub-blocks of 16 elements, x = d·(sc − 32)·(q − 4), q in 0…7.
//   hmask[32]: bit b of hmask[l] is the high bit (value 4) of element 32b + l.
//   qs[64]: low 2 bits, laid out as Q2_K's qs.
//   scales[12]: 16 six-bit scales. Sub-block s < 8: low nibble in scales[s] & 15; s ≥ 8: scales[s−8] >> 4.
//               High 2 bits: (scales[8 + s%4] >> 2·(s/4)) & 3.
//   d: fp16 super-block scale.
struct BlockQ3_K {
    uint8_t hmask[kQK_K / 8];
    uint8_t qs[kQK_K / 4];
    uint8_t scales[12];
    uint16_t d;
};
static_assert(sizeof(BlockQ3_K) == 110);

// Q4_K, 144 bytes. 8 sub-blocks of 32 elements, x = d·sc·q − dmin·mn, q in 0…15.
//   d, dmin: fp16 super-block scales.
//   scales[12]: eight 6-bit (sc, mn) pairs, see unpack_scale_min_k4 in quant/k_quant_search.h.
//   qs[128]: for pair p (elements 64p…64p+63), byte qs[32p + l] holds element 64p + l in its low
//            nibble and 64p + 32 + l in its high nibble.
struct BlockQ4_K {
    uint16_t d;
    uint16_t dmin;
    uint8_t scales[12];
    uint8_t qs[kQK_K / 2];
};
static_assert(sizeof(BlockQ4_K) == 144);

// Q5_K, 176 bytes. As Q4_K with a fifth bit: q in 0…31.
//   qh[32]: bit b of qh[l] is the 5th bit (value 16) of element 32b + l.
//   qs[128]: low nibbles laid out as Q4_K's qs.
struct BlockQ5_K {
    uint16_t d;
    uint16_t dmin;
    uint8_t scales[12];
    uint8_t qh[kQK_K / 8];
    uint8_t qs[kQK_K / 2];
};
static_assert(sizeof(BlockQ5_K) == 176);

// Q6_K, 210 bytes. 16 sub-blocks of 16 elements, x = d·scales[s]·(q − 32), q in 0…63.
//   ql[128]: for half h, ql[64h + l] holds elements 128h + l (low nibble) and 128h + 64 + l (high);
//            ql[64h + 32 + l] holds 128h + 32 + l (low) and 128h + 96 + l (high), l in 0…31.
//   qh[64]: qh[32h + l] holds the top 2 bits of elements 128h + l (bits 0-1), +32 (2-3), +64 (4-5), +96 (6-7).
//   scales[16]: int8 sub-block scales. d: fp16 super-block scale.
struct BlockQ6_K {
    uint8_t ql[kQK_K / 2];
    uint8_t qh[kQK_K / 4];
    int8_t scales[kQK_K / 16];
    uint16_t d;
};
static_assert(sizeof(BlockQ6_K) == 210);

// Q8_K, 292 bytes (activations only): d (f32 scale) | qs[256] (int8) | bsums[16]: Σ qs over each
// group of 16, which lets K-quant dots apply their minimums without touching qs. x[i] = d · qs[i].
struct BlockQ8_K {
    float d;
    int8_t qs[kQK_K];
    int16_t bsums[kQK_K / 16];
};
static_assert(sizeof(BlockQ8_K) == 292);

// IQ4_XS, 136 bytes. 8 sub-blocks of 32 elements, x = d·(ls − 32)·kIq4nlValues[nibble].
//   d: fp16 super-block scale.
//   scales_h: bits 2s…2s+1 are the high 2 bits of sub-block s's 6-bit scale ls.
//   scales_l[4]: low nibble of ls for sub-block s in scales_l[s/2] >> 4·(s%2).
//   qs[128]: sub-block s uses qs[16s…16s+15] laid out as IQ4_NL (element j low nibble, j+16 high).
struct BlockIQ4_XS {
    uint16_t d;
    uint16_t scales_h;
    uint8_t scales_l[kQK_K / 64];
    uint8_t qs[kQK_K / 2];
};
static_assert(sizeof(BlockIQ4_XS) == 136);

}  // namespace chord
