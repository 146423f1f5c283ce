#pragma once
// Attention with the score matrix materialised: for each head and query row, scores over all keys,
// softmax, then the probability-weighted sum of V rows. Scratch grows with n_q × n_kv; kept as the
// plain-to-read reference backend and for comparison with flash attention.
#include "attention/attention.h"
#include "attention/scratch_buffer.h"

namespace chord {

class StandardAttention final : public Attention {
public:
    AttentionBackend backend() const override { return AttentionBackend::Standard; }
    size_t scratch_bytes(const AttentionShape& shape, int threads) const override;
    void run(const AttentionArgs& args, ThreadPool& pool) override;

private:
    ThreadScratch scratch_;
};

}  // namespace chord
