#pragma once
// Plain-C++ pieces shared by every ISA's K-quant dot kernels (no intrinsics). Everything here has
// internal linkage: each ISA folder compiles it with its own flags, and an external inline copy built
// with AVX-512 flags must never be the one the linker keeps for code that runs on every CPU.
#include <cstdint>
#include <cstring>

namespace chord {
namespace {

// The eight 6-bit scales and mins of a Q4_K / Q5_K super-block from its 12 packed bytes, four at a
// time (the layout unpack_scale_min_k4 in quant/k_quant_search.h reads one by one):
//   sub-blocks 0-3: scale = byte j & 63, min = byte j+4 & 63;
//   sub-blocks 4-7: low 4 bits from byte j+4 (scale: low nibble, min: high nibble), high 2 bits from
//   the top bits of byte j-4 (scale) or byte j (min).
inline void unpack_k4_scales(const uint8_t* packed, uint8_t sc[8], uint8_t mn[8]) {
    uint32_t w[3];
    std::memcpy(w, packed, 12);
    const uint32_t six = 0x3f3f3f3fu, four = 0x0f0f0f0fu, two = 0x03030303u;
    const uint32_t sc_lo = w[0] & six;
    const uint32_t mn_lo = w[1] & six;
    const uint32_t sc_hi = (w[2] & four) | (((w[0] >> 6) & two) << 4);
    const uint32_t mn_hi = ((w[2] >> 4) & four) | (((w[1] >> 6) & two) << 4);
    std::memcpy(sc, &sc_lo, 4);
    std::memcpy(sc + 4, &sc_hi, 4);
    std::memcpy(mn, &mn_lo, 4);
    std::memcpy(mn + 4, &mn_hi, 4);
}

// Σ mn[g/2] · bsums[g] over the 16 groups of 16 activations: the minimum term of a Q4_K / Q5_K block.
inline int32_t k4_min_sum(const int16_t bsums[16], const uint8_t mn[8]) {
    int32_t s = 0;
    for (int g = 0; g < 16; ++g) s += static_cast<int32_t>(bsums[g]) * mn[g / 2];
    return s;
}

// The 6-bit IQ4_XS scale of sub-block s, minus 32.
inline int iq4_xs_scale(uint16_t scales_h, const uint8_t* scales_l, int s) {
    return (((scales_l[s / 2] >> (4 * (s % 2))) & 0xF) | (((scales_h >> (2 * s)) & 3) << 4)) - 32;
}

// The sixteen 6-bit Q3_K scales minus 32 (sub-block s: low 4 bits in byte s, or the high nibble of byte
// s−8 for s ≥ 8; high 2 bits at 2·(s/4) in byte 8 + s%4).
inline void unpack_q3_k_scales(const uint8_t* packed, int8_t out[16]) {
    for (int s = 0; s < 16; ++s) {
        const int low = s < 8 ? (packed[s] & 0xF) : (packed[s - 8] >> 4);
        const int high = (packed[8 + s % 4] >> (2 * (s / 4))) & 3;
        out[s] = static_cast<int8_t>((low | (high << 4)) - 32);
    }
}

}  // namespace
}  // namespace chord
