#include "model/weight_repack.h"

#include <sys/mman.h>

#include <cstdlib>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "chord/gguf.h"
#include "kernels/kernels.h"
#include "model/weights.h"
#include "quant/interleave16.h"
#include "quant/interleave4.h"

namespace chord {

namespace {

// Transparent huge pages cut the TLB misses of streaming ~1 GB of weights per token.
constexpr size_t kHugePage = size_t{2} << 20;

// The layout the table wants for w, if w can take it; RowMajor otherwise.
RowLayout target_layout(const WeightMatrix& w, const WeightMatrix& token_embd, const Kernels& k) {
    if (!w || w.data == token_embd.data || w.layout != RowLayout::RowMajor || !k.decode_layout) return RowLayout::RowMajor;
    switch (k.decode_layout(w.type)) {
        case RowLayout::Interleaved16:
            if (interleave16_supported(w.type) && w.n_out % kInterleaveRows == 0) return RowLayout::Interleaved16;
            break;
        case RowLayout::Interleaved4:
            if (w.n_out % kInterleave4Rows == 0) return RowLayout::Interleaved4;
            break;
        case RowLayout::RowMajor: break;
    }
    return RowLayout::RowMajor;
}

}  // namespace

RepackSummary repack_weights(ModelWeights& weights, const GgufFile& file, const Kernels& k) {
    std::vector<std::pair<WeightMatrix*, RowLayout>> todo;
    const auto consider = [&](WeightMatrix& w) {
        const RowLayout layout = target_layout(w, weights.token_embd, k);
        if (layout != RowLayout::RowMajor) todo.emplace_back(&w, layout);
    };
    for (LayerWeights& l : weights.layers)
        for (WeightMatrix* w : {&l.wq, &l.wk, &l.wv, &l.wo, &l.w_gate, &l.w_up, &l.w_down}) consider(*w);
    consider(weights.output);

    RepackSummary summary;
    for (const auto& [w, layout] : todo) summary.bytes += w->bytes();
    if (todo.empty()) return summary;

    const size_t capacity = (summary.bytes + kHugePage - 1) / kHugePage * kHugePage;
    auto* buffer = static_cast<uint8_t*>(std::aligned_alloc(kHugePage, capacity));
    if (!buffer) {  // the file's layout works with every kernel, only slower
        spdlog::warn("no memory for the {:.0f} MiB decode layout: the weights stay as mapped",
                     static_cast<double>(capacity) / (1 << 20));
        return {};
    }
    ::madvise(buffer, capacity, MADV_HUGEPAGE);  // advice only: without THP it is plain memory
    weights.repacked = std::shared_ptr<const uint8_t>(buffer, [](const uint8_t* p) { std::free(const_cast<uint8_t*>(p)); });

    uint8_t* out = buffer;
    for (auto& [w, layout] : todo) {
        const TensorTypeInfo& info = *tensor_type_info(w->type);
        const int64_t n_blocks = w->n_in / info.block_elems;
        if (layout == RowLayout::Interleaved16)
            interleave16_groups(w->data, n_blocks, info.block_bytes, 0, w->n_out / kInterleaveRows, out);
        else
            interleave4_groups(w->data, n_blocks, info.block_bytes, 0, w->n_out / kInterleave4Rows, out);
        file.release_pages(w->data, w->bytes());
        w->data = out;
        w->layout = layout;
        out += w->bytes();
        ++summary.matrices;
    }
    return summary;
}

}  // namespace chord
