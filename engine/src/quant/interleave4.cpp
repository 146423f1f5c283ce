#include "quant/interleave4.h"

#include <cstring>

namespace chord {

void interleave4_groups(const uint8_t* src, int64_t n_blocks, size_t block_bytes, int64_t g0, int64_t g1, uint8_t* dst) {
    const size_t row_bytes = static_cast<size_t>(n_blocks) * block_bytes;
    for (int64_t g = g0; g < g1; ++g)
        for (int64_t i = 0; i < kInterleave4Rows; ++i) {
            const uint8_t* row = src + static_cast<size_t>(g * kInterleave4Rows + i) * row_bytes;
            uint8_t* out = dst + (static_cast<size_t>(g) * static_cast<size_t>(n_blocks) * kInterleave4Rows +
                                  static_cast<size_t>(i)) *
                                     block_bytes;
            for (int64_t k = 0; k < n_blocks; ++k)
                std::memcpy(out + static_cast<size_t>(k) * kInterleave4Rows * block_bytes,
                            row + static_cast<size_t>(k) * block_bytes, block_bytes);
        }
}

}  // namespace chord
