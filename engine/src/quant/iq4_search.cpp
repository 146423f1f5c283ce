#include "quant/exact_float.h"  // first: no fused multiply-adds (see there)

#include "quant/iq4_search.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "quant/blocks.h"
#include "quant/fp16.h"
#include "quant/k_quant_search.h"

namespace chord {

int nearest_level_index(int n, const int8_t* values, float v) {
    if (v <= values[0]) return 0;
    if (v >= values[n - 1]) return n - 1;
    int lo = 0, hi = n - 1;
    while (hi - lo > 1) {
        const int mid = (lo + hi) / 2;
        if (v < values[mid]) hi = mid;
        else lo = mid;
    }
    return v - static_cast<float>(values[hi - 1]) < static_cast<float>(values[hi]) - v ? hi - 1 : hi;
}

void quantize_iq4_superblock(int super_block_size, const float* x, uint16_t* d_out, uint8_t* qs, uint16_t* scales_h,
                             uint8_t* scales_l, int ntry) {
    constexpr int kBlock = 32;
    const int8_t* values = kIq4nlValues;
    const float v0 = static_cast<float>(values[0]);
    const int n_blocks = super_block_size / kBlock;
    uint8_t L[256] = {};
    float scales[256 / kBlock] = {};
    float weight[kBlock];

    std::memset(qs, 0, static_cast<size_t>(super_block_size / 2));
    *d_out = fp32_to_fp16(0.0f);

    float max_scale = 0.0f, amax_scale = 0.0f;
    for (int ib = 0; ib < n_blocks; ++ib) {
        const float* xb = x + ib * kBlock;
        uint8_t* Lb = L + ib * kBlock;
        for (int j = 0; j < kBlock; ++j) weight[j] = xb[j] * xb[j];
        float amax = 0.0f, max = 0.0f;
        for (int j = 0; j < kBlock; ++j) {
            const float ax = std::fabs(xb[j]);
            if (ax > amax) {
                amax = ax;
                max = xb[j];
            }
        }
        if (amax < kGroupMaxEps) {
            scales[ib] = 0.0f;
            continue;
        }
        // Start with the largest value on the extreme level, then refit d by weighted least squares.
        float d = ntry > 0 ? -max / v0 : max / v0;
        float id = 1.0f / d;
        float sumqx = 0.0f, sumq2 = 0.0f;
        for (int j = 0; j < kBlock; ++j) {
            const int l = nearest_level_index(16, values, id * xb[j]);
            Lb[j] = static_cast<uint8_t>(l);
            const float q = static_cast<float>(values[l]);
            const float w = weight[j];
            sumqx += w * q * xb[j];
            sumq2 += w * q * q;
        }
        d = sumq2 > 0.0f ? sumqx / sumq2 : 0.0f;
        float best = d * sumqx;
        for (int itry = -ntry; itry <= ntry; ++itry) {
            id = static_cast<float>(itry + values[0]) / max;
            sumqx = sumq2 = 0.0f;
            for (int j = 0; j < kBlock; ++j) {
                const int l = nearest_level_index(16, values, id * xb[j]);
                const float q = static_cast<float>(values[l]);
                const float w = weight[j];
                sumqx += w * q * xb[j];
                sumq2 += w * q * q;
            }
            if (sumq2 > 0.0f && sumqx * sumqx > best * sumq2) {
                d = sumqx / sumq2;
                best = d * sumqx;
            }
        }
        scales[ib] = d;
        const float abs_d = std::fabs(d);
        if (abs_d > amax_scale) {
            amax_scale = abs_d;
            max_scale = d;
        }
    }

    if (n_blocks > 1) {
        // IQ4_XS: block scales become 6-bit multiples of d = −max_scale/32; values are re-picked with them.
        *scales_h = 0;
        const float d = -max_scale / 32.0f;
        *d_out = fp32_to_fp16(d);
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        for (int ib = 0; ib < n_blocks; ++ib) {
            int l = std::max(-32, std::min(31, nearest_int(id * scales[ib])));
            const float dl = d * static_cast<float>(l);
            const float idl = dl != 0.0f ? 1.0f / dl : 0.0f;
            uint8_t* Lb = L + ib * kBlock;
            const float* xb = x + ib * kBlock;
            for (int j = 0; j < kBlock; ++j) Lb[j] = static_cast<uint8_t>(nearest_level_index(16, values, idl * xb[j]));
            l += 32;
            const uint8_t l_low = static_cast<uint8_t>(l & 0xF);
            const uint8_t l_high = static_cast<uint8_t>(l >> 4);
            if (ib % 2 == 0) scales_l[ib / 2] = l_low;
            else scales_l[ib / 2] = static_cast<uint8_t>(scales_l[ib / 2] | (l_low << 4));
            *scales_h = static_cast<uint16_t>(*scales_h | (l_high << (2 * (ib % 8))));
        }
    } else {
        *d_out = fp32_to_fp16(scales[0]);
        if (ntry > 0) {
            const float id = scales[0] != 0.0f ? 1.0f / scales[0] : 0.0f;
            for (int j = 0; j < super_block_size; ++j) L[j] = static_cast<uint8_t>(nearest_level_index(16, values, id * x[j]));
        }
    }

    for (int ib = 0; ib < super_block_size / kBlock; ++ib)
        for (int j = 0; j < 16; ++j) qs[16 * ib + j] = static_cast<uint8_t>(L[32 * ib + j] | (L[32 * ib + 16 + j] << 4));
}

}  // namespace chord
