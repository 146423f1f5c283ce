#pragma once
// One weight row's blocks where they lie: block k at first + k·stride. A row-major row's stride is one
// block; a row of an Interleaved4 matrix (quant/interleave4.h) strides over the group's four rows. Batch
// kernels index blocks through this view, so they read a repacked matrix in place instead of gathering
// each row into a buffer once per token tile.
#include <cstddef>
#include <cstdint>

#include "model/weights.h"
#include "quant/interleave4.h"

namespace chord {

struct RowBlocks {
    const uint8_t* first = nullptr;
    size_t stride = 0;  // bytes from block k to block k + 1
};

// Row r of w, a RowMajor or Interleaved4 matrix whose rows hold whole blocks of block_bytes.
inline RowBlocks row_blocks(const WeightMatrix& w, int64_t r, size_t block_bytes) {
    if (w.layout != RowLayout::Interleaved4) return {w.row(r), block_bytes};
    const Interleaved4 w4{w.data, static_cast<int64_t>(w.row_bytes / block_bytes), block_bytes};
    return {w4.row_start(r), w4.block_stride()};
}

// A kernel's typed view: x[i] is the row's block i.
template <class Block>
class StridedBlocks {
public:
    explicit StridedBlocks(RowBlocks row) : row_(row) {}
    const Block& operator[](int64_t i) const {
        return *reinterpret_cast<const Block*>(row_.first + static_cast<size_t>(i) * row_.stride);
    }

private:
    RowBlocks row_;
};

}  // namespace chord
