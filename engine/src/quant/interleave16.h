#pragma once
// The 16-row interleaved layout that decode kernels read weights in (repacked once at load).
//
// Matrix-vector products stream every weight once per token, so their speed is the memory bandwidth they
// reach. A kernel that computes 16 rows at a time over the file's row-major layout reads 16 streams
// ~row_bytes apart, more than the hardware prefetchers follow. Interleaving the 16 rows block by block
// makes it one sequential stream.
//
// For formats whose block is {fp16 d; payload} (Q4_0: 2 + 16 bytes, Q8_0: 2 + 32 bytes), rows
// 16g … 16g+15 of a matrix with n_blocks blocks per row become one run of n_blocks "16-blocks":
//   16-block k of group g, 16·block_bytes long, at data + (g·n_blocks + k) · 16·block_bytes:
//     d[16]        fp16 scales of block k of rows 16g … 16g+15   (32 bytes)
//     payload[16]  the blocks' payloads (block_bytes − 2 each), rows in order
// The bytes are the file's bytes, moved: dequantizing a row gives the same values.
#include <cstddef>
#include <cstdint>

#include "chord/tensor_type.h"

namespace chord {

constexpr int64_t kInterleaveRows = 16;
constexpr size_t kInterleaveScaleBytes = 2 * kInterleaveRows;

// True for the block formats above (a leading fp16 d, then the payload).
bool interleave16_supported(TensorType type);

// Where block k of row r lives in an interleaved matrix: its fp16 scale and its payload.
struct Interleaved16 {
    const uint8_t* data = nullptr;
    int64_t n_blocks = 0;     // per row
    size_t block_bytes = 0;   // the format's block size (d + payload)

    size_t group_block_bytes() const { return kInterleaveRows * block_bytes; }
    size_t block16_offset(int64_t group, int64_t k) const {
        return (static_cast<size_t>(group) * static_cast<size_t>(n_blocks) + static_cast<size_t>(k)) * group_block_bytes();
    }
    const uint8_t* block16(int64_t group, int64_t k) const { return data + block16_offset(group, k); }
    const uint8_t* scale(int64_t r, int64_t k) const { return block16(r / kInterleaveRows, k) + 2 * (r % kInterleaveRows); }
    const uint8_t* payload(int64_t r, int64_t k) const {
        return block16(r / kInterleaveRows, k) + kInterleaveScaleBytes + (r % kInterleaveRows) * (block_bytes - 2);
    }
};

// Rows [16·g0, 16·g1) of src (row-major, row_bytes = n_blocks · block_bytes) into dst, which holds the whole
// interleaved matrix. Groups are independent: callers may split them across threads.
void interleave16_groups(const uint8_t* src, int64_t n_blocks, size_t block_bytes, int64_t g0, int64_t g1, uint8_t* dst);

}  // namespace chord
