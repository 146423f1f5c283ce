#pragma once
// The 4-row block-interleaved layout (see quant/row_layout.h), for formats such as Q4_K whose decode
// kernel computes four rows at a time: rows 4g … 4g+3 of a matrix with n_blocks blocks per row become
//   block k of row 4g+i at data + ((g·n_blocks + k)·4 + i) · block_bytes
// so the four rows' blocks k sit side by side and the group is read front to back.
#include <cstddef>
#include <cstdint>

namespace chord {

constexpr int64_t kInterleave4Rows = 4;

struct Interleaved4 {
    const uint8_t* data = nullptr;
    int64_t n_blocks = 0;    // per row
    size_t block_bytes = 0;

    // Block 0 of row r; block k of that row is k · block_stride() further on.
    const uint8_t* row_start(int64_t r) const {
        return data + (static_cast<size_t>(r / kInterleave4Rows) * static_cast<size_t>(n_blocks) * kInterleave4Rows +
                       static_cast<size_t>(r % kInterleave4Rows)) *
                          block_bytes;
    }
    size_t block_stride() const { return kInterleave4Rows * block_bytes; }
};

// Rows [4·g0, 4·g1) of src (row-major, n_blocks blocks of block_bytes per row) into dst, which holds the
// whole interleaved matrix.
void interleave4_groups(const uint8_t* src, int64_t n_blocks, size_t block_bytes, int64_t g0, int64_t g1, uint8_t* dst);

}  // namespace chord
