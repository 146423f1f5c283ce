#pragma once
// Scale searches shared by the K-quant quantizers, re-expressed from ggml-quants.c so that quantized
// bytes equal llama-quantize's. Every float expression keeps ggml's evaluation order: a different
// order (or a fused multiply-add) changes which candidate scale wins and so the stored bytes.
#include <cstdint>
#include <cstring>

namespace chord {

// Round to nearest, ties to even, via the 1.5·2^23 trick (ggml's nearest_int); |v| < 2^22.
inline int nearest_int(float v) {
    const float shifted = v + 12582912.0f;
    int32_t bits;
    std::memcpy(&bits, &shifted, sizeof bits);
    return (bits & 0x007fffff) - 0x00400000;
}

// Blocks whose largest magnitude is below this count as all zero (ggml's GROUP_MAX_EPS).
constexpr float kGroupMaxEps = 1e-15f;

// Symmetric scale for n values on the signed grid −nmax…nmax−1, weighted by x² (ggml's make_qx_quants
// with rmse_type 1, no importance weights): tries the plain max-based scale and 18 nudged ones,
// keeps the one with the best weighted fit. L receives q + nmax. Returns the scale.
float search_symmetric_scale(int n, int nmax, const float* x, int8_t* L);

// Q3_K's variant (ggml's make_q3_quants with do_rmse): starts from the max-based scale, then moves
// single values to a neighbouring level while that improves the x²-weighted fit. L receives q + nmax.
float search_q3_scale(int n, int nmax, const float* x, int8_t* L);

// Asymmetric scale and minimum for levels 0…nmax (ggml's make_qkx2_quants): x ≈ scale·L − the_min.
// weights: per-value error weights; Laux: scratch of n bytes. Tries nstep+1 scales
// (rmin + rdelta·i + nmax)/(max − min), each refitted by weighted least squares.
float search_scale_min(int n, int nmax, const float* x, const float* weights, uint8_t* L, float* the_min,
                       uint8_t* Laux, float rmin, float rdelta, int nstep, bool use_mad);

// The 6-bit scale sc and minimum mn of sub-block j (0…7) from Q4_K/Q5_K's 12 packed bytes:
// j < 4: sc = q[j] & 63, mn = q[j+4] & 63; j ≥ 4: low 4 bits from q[j+4], high 2 bits from the
// top bits of q[j−4] (sc) and q[j] (mn).
inline void unpack_scale_min_k4(int j, const uint8_t* q, uint8_t* sc, uint8_t* mn) {
    if (j < 4) {
        *sc = q[j] & 63;
        *mn = q[j + 4] & 63;
    } else {
        *sc = static_cast<uint8_t>((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4));
        *mn = static_cast<uint8_t>((q[j + 4] >> 4) | ((q[j] >> 6) << 4));
    }
}

// Packs eight 6-bit (scale, min) pairs the way unpack_scale_min_k4 reads them.
void pack_scales_mins_k4(const uint8_t* ls, const uint8_t* lm, uint8_t* scales12);

}  // namespace chord
