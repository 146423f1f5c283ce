#include "model/weight_repack.h"

#include <sys/mman.h>

#include <cstdlib>
#include <new>
#include <vector>

#include "chord/gguf.h"
#include "kernels/kernels.h"
#include "model/weights.h"
#include "quant/interleave16.h"

namespace chord {

namespace {

// Transparent huge pages cut the TLB misses of streaming ~1 GB of weights per token.
constexpr size_t kHugePage = size_t{2} << 20;

bool repackable(const WeightMatrix& w, const WeightMatrix& token_embd, const Kernels& k) {
    return w && w.data != token_embd.data && w.layout == RowLayout::RowMajor && interleave16_supported(w.type) &&
           k.reads_interleaved16 && k.reads_interleaved16(w.type) && w.n_out % kInterleaveRows == 0;
}

}  // namespace

RepackSummary repack_weights(ModelWeights& weights, const GgufFile& file, const Kernels& k) {
    std::vector<WeightMatrix*> todo;
    const auto consider = [&](WeightMatrix& w) {
        if (repackable(w, weights.token_embd, k)) todo.push_back(&w);
    };
    for (LayerWeights& l : weights.layers)
        for (WeightMatrix* w : {&l.wq, &l.wk, &l.wv, &l.wo, &l.w_gate, &l.w_up, &l.w_down}) consider(*w);
    consider(weights.output);

    RepackSummary summary;
    for (const WeightMatrix* w : todo) summary.bytes += w->bytes();
    if (todo.empty()) return summary;

    const size_t capacity = (summary.bytes + kHugePage - 1) / kHugePage * kHugePage;
    auto* buffer = static_cast<uint8_t*>(std::aligned_alloc(kHugePage, capacity));
    if (!buffer) throw std::bad_alloc();
    ::madvise(buffer, capacity, MADV_HUGEPAGE);  // advice only: without THP it is plain memory
    weights.repacked = std::shared_ptr<const uint8_t>(buffer, [](const uint8_t* p) { std::free(const_cast<uint8_t*>(p)); });

    uint8_t* out = buffer;
    for (WeightMatrix* w : todo) {
        const TensorTypeInfo& info = *tensor_type_info(w->type);
        interleave16_groups(w->data, w->n_in / info.block_elems, info.block_bytes, 0, w->n_out / kInterleaveRows, out);
        file.release_pages(w->data, w->bytes());
        w->data = out;
        w->layout = RowLayout::Interleaved16;
        out += w->bytes();
        ++summary.matrices;
    }
    return summary;
}

}  // namespace chord
