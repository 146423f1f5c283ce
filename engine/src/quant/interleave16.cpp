#include "quant/interleave16.h"

#include <cstring>

namespace chord {

bool interleave16_supported(TensorType type) { return type == TensorType::Q4_0 || type == TensorType::Q8_0; }

void interleave16_groups(const uint8_t* src, int64_t n_blocks, size_t block_bytes, int64_t g0, int64_t g1, uint8_t* dst) {
    const Interleaved16 out{dst, n_blocks, block_bytes};
    const size_t row_bytes = static_cast<size_t>(n_blocks) * block_bytes;
    const size_t payload = block_bytes - 2;
    for (int64_t g = g0; g < g1; ++g)
        for (int64_t k = 0; k < n_blocks; ++k) {
            uint8_t* d = dst + out.block16_offset(g, k);
            for (int64_t i = 0; i < kInterleaveRows; ++i) {
                const uint8_t* block = src + static_cast<size_t>(g * kInterleaveRows + i) * row_bytes +
                                       static_cast<size_t>(k) * block_bytes;
                std::memcpy(d + 2 * i, block, 2);
                std::memcpy(d + kInterleaveScaleBytes + static_cast<size_t>(i) * payload, block + 2, payload);
            }
        }
}

}  // namespace chord
