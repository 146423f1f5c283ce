#pragma once
// Flash attention: queries in row blocks × keys in tiles, with a running max and sum per row and an
// output accumulator rescaled whenever the max grows (online softmax), so the full score matrix never
// exists and scratch does not depend on the context length.
// Work unit: one KV head × one block of rows, where the rows are (query, head) pairs of every query head
// sharing that KV head (GQA), so each K/V tile is read once for the whole group.
#include "attention/attention.h"
#include "attention/scratch_buffer.h"

namespace chord {

class FlashAttention final : public Attention {
public:
    static constexpr int kKeyTile = 64;   // keys per tile
    static constexpr int kMaxRows = 16;   // (query, head) rows per work unit

    AttentionBackend backend() const override { return AttentionBackend::Flash; }
    size_t scratch_bytes(const AttentionShape& shape, int threads) const override;
    void run(const AttentionArgs& args, ThreadPool& pool) override;

private:
    ThreadScratch scratch_;
};

}  // namespace chord
