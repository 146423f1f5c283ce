#pragma once
// The loop around the ISA batch kernels (avx2/, avx512/ k_quant_gemm_*.cpp for 256-element super-blocks,
// x86_block32_tiles.h for 32-element blocks): token tiles outside, the chunk's rows inside, so a tile's
// activation rows stay in L1 while the rows stream from L2. Rows are read where they lie (row-major, or
// Interleaved4 when repacked for the decode kernel). Each ISA file supplies only the kernels.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "chord/tensor_type.h"
#include "kernels/row_blocks.h"
#include "kernels/token_count.h"
#include "model/weights.h"
#include "quant/blocks_k.h"

namespace chord {

// y[t][r] = dot(W row r, Q8_K activation row t) for r in [row0, row1) and every token (activation rows
// stride bytes apart); the ISA headers' KQuantGemm.
using KQuantTileGemm = void (*)(const WeightMatrix& w, int64_t row0, int64_t row1, const uint8_t* act, size_t stride,
                                int64_t n_tokens, float* y);

// Tokens: a stateless callable, tokens(std::integral_constant<int, T>, StridedBlocks<Block> x, act, stride,
// nb, y, y_stride) sets y[t · y_stride] = x · token t for the T token rows at act.
template <class Block, int kTile, class Tokens>
void gemm_token_tiles(const WeightMatrix& w, int64_t row0, int64_t row1, const uint8_t* act, size_t stride,
                      int64_t n_tokens, float* y) {
    const int64_t nb = static_cast<int64_t>(w.row_bytes / sizeof(Block));
    for (int64_t t0 = 0; t0 < n_tokens; t0 += kTile) {
        const uint8_t* a = act + static_cast<size_t>(t0) * stride;
        for (int64_t r = row0; r < row1; ++r) {
            const StridedBlocks<Block> x(row_blocks(w, r, sizeof(Block)));
            float* out = y + t0 * w.n_out + r;
            with_token_count<kTile>(n_tokens - t0, [&](auto t) { Tokens{}(t, x, a, stride, nb, out, w.n_out); });
        }
    }
}

// The tile loop over Tokens' kernel for type; nullptr for other types.
template <int kTile, class Tokens>
KQuantTileGemm k_quant_tile_gemm(TensorType type) {
    switch (type) {
        case TensorType::Q4_K: return gemm_token_tiles<BlockQ4_K, kTile, Tokens>;
        case TensorType::Q5_K: return gemm_token_tiles<BlockQ5_K, kTile, Tokens>;
        case TensorType::Q6_K: return gemm_token_tiles<BlockQ6_K, kTile, Tokens>;
        case TensorType::IQ4_XS: return gemm_token_tiles<BlockIQ4_XS, kTile, Tokens>;
        default: return nullptr;
    }
}

}  // namespace chord
