#pragma once
// Batch kernels (prompt processing) of the 32-element block formats for the x86 tables: Q4_1 / Q5_1 weights
// with Q8_1 activation rows, Q5_0 / IQ4_NL with Q8_0 rows. Each weight block is decoded into int8 lanes once
// and meets the T tokens of a tile, instead of once per (row, token) row dot.
//
// Every (row, token) result is bit-identical to the row dots (x86_block32_dots.h) and so to the scalar
// references: the integer lanes are exact, and each token runs the row dot's float steps in the same order,
// in its own register (8 running sums per token) or lane t (IQ4_NL's fused sum, the minimum terms). Only
// the loop order over tokens differs.
//
// Isa: see x86_block32_codes.h; for the 8-lane formats also a register type of running sums:
//   Sums, kTokensPerSums (G)          the 8 running sums of G tokens (AVX2: 1 per __m256, AVX-512: 2 per __m512)
//   static Sums zero_sums()
//   static Sums add_lanes<Codes>(Sums acc, __m256i codes, const int8_t* a0, const int8_t* a1, __m256 d, int t0)
//                                     fuses the block's lanes of tokens t0 … t0 + G − 1 (activations a0, a1 …)
//                                     scaled by lane t of d into acc
//   static __m256 token_sums(Sums, int k)   token t0 + k's 8 running sums
#include "kernels/x86_intrinsics.h"

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "chord/tensor_type.h"
#include "kernels/k_quant_tiles.h"
#include "kernels/row_blocks.h"
#include "kernels/x86_block32_codes.h"
#include "quant/blocks.h"

namespace chord {
namespace {

// The tile's T activation rows.
template <class Act, int T>
struct Block32Rows {
    const Act* row[T];
    Block32Rows(const uint8_t* act, size_t stride) {
        for (int t = 0; t < T; ++t) row[t] = reinterpret_cast<const Act*>(act + static_cast<size_t>(t) * stride);
    }
    // Each token's fp16 field (d or s) of block i widened into lane t (0 past T), built in registers: a
    // vector gathered through memory would stall on store forwarding.
    __m256 widen(int64_t i, uint16_t Act::*field) const {
        const auto h = [&](int t) { return static_cast<int16_t>(t < T ? row[t][i].*field : 0); };
        return _mm256_cvtph_ps(_mm_setr_epi16(h(0), h(1), h(2), h(3), h(4), h(5), h(6), h(7)));
    }
};

// y[t · y_stride] = x · token t for the T token rows at act (k_quant_tiles.h's Tokens contract).
template <class Isa, class Codes, int T>
void block32_tile(StridedBlocks<typename Codes::Block> x, const uint8_t* act, size_t stride, int64_t nb, float* y,
                  int64_t y_stride) {
    static_assert(T >= 1 && T <= 8, "token t's scales and sums are lane t of 8-float registers");
    using Act = typename Codes::Act;
    const Block32Rows<Act, T> tok(act, stride);
    if constexpr (Codes::kBlockSums) {
        __m256 acc = _mm256_setzero_ps();  // lane t: token t's running sum
        for (int64_t i = 0; i < nb; ++i) {
            const __m256i w = Codes::codes(x[i]);
            __m256i l[8];
            for (int t = 0; t < 8; ++t) l[t] = t < T ? Codes::lanes(w, block32_load(tok.row[t][i].qs)) : _mm256_setzero_si256();
            const __m256i sums = _mm256_set_m128i(Isa::hsum_i32_x4(l[4], l[5], l[6], l[7]), Isa::hsum_i32_x4(l[0], l[1], l[2], l[3]));
            acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sums), _mm256_mul_ps(_mm256_set1_ps(_cvtsh_ss(x[i].d)), tok.widen(i, &Act::d)), acc);
        }
        alignas(32) float out[8];
        _mm256_store_ps(out, acc);
        for (int t = 0; t < T; ++t) y[t * y_stride] = out[t];
    } else {
        constexpr bool kMin = requires(const typename Codes::Block& b) { b.m; };
        constexpr int G = Isa::kTokensPerSums;  // tokens per register of running sums
        constexpr int R = (T + G - 1) / G;
        typename Isa::Sums acc[R];  // register r: the row dot's 8 running sums of tokens G·r … G·r + G − 1
        for (int r = 0; r < R; ++r) acc[r] = Isa::zero_sums();
        __m256 min_terms = _mm256_setzero_ps();  // lane t: token t's
        for (int64_t i = 0; i < nb; ++i) {
            const __m256i q = Codes::codes(x[i]);
            const __m256 d = _mm256_mul_ps(_mm256_set1_ps(_cvtsh_ss(x[i].d)), tok.widen(i, &Act::d));  // lane t: token t's
            for (int r = 0; r < R; ++r) {
                const int t0 = G * r, t1 = G * r + G - 1 < T ? G * r + G - 1 : t0;  // a past-T token repeats t0
                acc[r] = Isa::template add_lanes<Codes>(acc[r], q, tok.row[t0][i].qs, tok.row[t1][i].qs, d, t0);
            }
            if constexpr (kMin) min_terms = _mm256_fmadd_ps(_mm256_set1_ps(_cvtsh_ss(x[i].m)), tok.widen(i, &Act::s), min_terms);
        }
        alignas(32) float mt[8];
        _mm256_store_ps(mt, min_terms);
        for (int t = 0; t < T; ++t) {
            const float sum = Isa::hsum8(Isa::token_sums(acc[t / G], t % G));
            if constexpr (kMin) y[t * y_stride] = sum + mt[t];
            else y[t * y_stride] = sum;
        }
    }
}

// k_quant_tiles.h's Tokens callable for one format.
template <class Isa, template <class> class CodesOf>
struct Block32TileKernel {
    template <class Count, class Blocks, class... Rest>
    void operator()(Count, Blocks x, Rest... rest) const {
        block32_tile<Isa, CodesOf<Isa>, Count::value>(x, rest...);
    }
};

// The tile loop (k_quant_tiles.h) over the kernel above for type; nullptr for other types.
template <class Isa, int kTile>
KQuantTileGemm block32_tile_gemm(TensorType type) {
    switch (type) {
        case TensorType::Q4_1: return gemm_token_tiles<BlockQ4_1, kTile, Block32TileKernel<Isa, Q4_1Codes>>;
        case TensorType::Q5_0: return gemm_token_tiles<BlockQ5_0, kTile, Block32TileKernel<Isa, Q5_0Codes>>;
        case TensorType::Q5_1: return gemm_token_tiles<BlockQ5_1, kTile, Block32TileKernel<Isa, Q5_1Codes>>;
        case TensorType::IQ4_NL: return gemm_token_tiles<BlockIQ4_NL, kTile, Block32TileKernel<Isa, IQ4_NLCodes>>;
        default: return nullptr;
    }
}

}  // namespace
}  // namespace chord
