#pragma once
// exp(x) on 4 floats, within about 1 ulp of std::exp (x < −104 gives 0, large x +inf).
// x = n·ln2 + r with |r| ≤ ln2/2 (ln2 split in two parts so r is exact to float precision), e^r by its
// Taylor series to r⁷ (truncation < 6e-9), then scaled by 2^n as 2^(n/2)·2^(n−n/2) so both factors are
// normal floats and overflow / gradual underflow round as IEEE says.
#include <arm_neon.h>

namespace chord::neon {
namespace {

[[maybe_unused]] float32x4_t exp4(float32x4_t x) {
    const float32x4_t xc = vmaxq_f32(vminq_f32(x, vdupq_n_f32(100.0f)), vdupq_n_f32(-110.0f));
    const float32x4_t n = vrndnq_f32(vmulq_n_f32(xc, 1.44269504088896341f));
    float32x4_t r = vfmsq_f32(xc, n, vdupq_n_f32(0.693145751953125f));
    r = vfmsq_f32(r, n, vdupq_n_f32(1.428606765330187045e-06f));
    float32x4_t p = vdupq_n_f32(1.0f / 5040.0f);
    p = vfmaq_f32(vdupq_n_f32(1.0f / 720.0f), p, r);
    p = vfmaq_f32(vdupq_n_f32(1.0f / 120.0f), p, r);
    p = vfmaq_f32(vdupq_n_f32(1.0f / 24.0f), p, r);
    p = vfmaq_f32(vdupq_n_f32(1.0f / 6.0f), p, r);
    p = vfmaq_f32(vdupq_n_f32(0.5f), p, r);
    p = vfmaq_f32(vdupq_n_f32(1.0f), p, r);
    p = vfmaq_f32(vdupq_n_f32(1.0f), p, r);
    const int32x4_t ni = vcvtq_s32_f32(n);
    const int32x4_t half = vshrq_n_s32(ni, 1);
    const int32x4_t rest = vsubq_s32(ni, half);
    const float32x4_t s1 = vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(half, vdupq_n_s32(127)), 23));
    const float32x4_t s2 = vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(rest, vdupq_n_s32(127)), 23));
    const float32x4_t result = vmulq_f32(vmulq_f32(p, s1), s2);
    return vbslq_f32(vcltq_f32(x, vdupq_n_f32(-104.0f)), vdupq_n_f32(0.0f), result);
}

}  // namespace
}  // namespace chord::neon
