#pragma once
// The float steps of llama.cpp's x86 (AVX2, also taken on AVX-512 machines) K-quant dot products, for the
// scalar references that reproduce them. The integer products are exact in any order; only these float
// steps decide the result's last bits, and one ulp can flip a later rounding (an activation code, an fp16
// value), so the scalar references and every SIMD kernel follow them exactly.
//
// Those kernels keep 8 int32 lanes per super-block; lane l holds the products of elements with
// (e mod 32) / 4 == l, i.e. 4 consecutive elements of every 32 (what one 256-bit madd of bytes leaves).
#include <cmath>
#include <cstdint>

namespace chord {

constexpr int kX86Lanes = 8;

// Lane of element e (0…255) in the 8-lane split above.
constexpr int x86_lane(int e) { return (e % 32) / 4; }

// acc[l] = fma(d, float(lanes[l]), acc[l]): one super-block's lanes scaled into the running sums.
inline void x86_lanes_fma(float d, const int32_t lanes[kX86Lanes], float acc[kX86Lanes]) {
    for (int l = 0; l < kX86Lanes; ++l) acc[l] = std::fma(d, static_cast<float>(lanes[l]), acc[l]);
}

// ggml's hsum_float_8: high half onto low half, then pairs: ((0+4)+(2+6)) + ((1+5)+(3+7)).
inline float x86_hsum8(const float acc[kX86Lanes]) {
    const float s0 = acc[0] + acc[4], s1 = acc[1] + acc[5], s2 = acc[2] + acc[6], s3 = acc[3] + acc[7];
    return (s0 + s2) + (s1 + s3);
}

}  // namespace chord
