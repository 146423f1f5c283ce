#include "model/matmul.h"

#include <algorithm>

#include "kernels/kernels.h"
#include "threading/thread_pool.h"

namespace chord {

namespace {

// Converts n_tokens rows of x to the vec_dot type of `format`; returns the converted row stride.
size_t convert_activations(const QuantFormat& format, const float* x, int64_t n_in, int64_t n_tokens,
                           MatmulScratch& scratch) {
    const QuantFormat* act = quant_format(format.vec_dot_type);
    const size_t stride = row_bytes(format.vec_dot_type, n_in);
    const size_t need = stride * static_cast<size_t>(n_tokens);
    if (scratch.activations.size() < need) scratch.activations.resize(need);
    const auto convert = act->quantize_activations ? act->quantize_activations : act->quantize_row;
    for (int64_t t = 0; t < n_tokens; ++t)
        convert(x + t * n_in, scratch.activations.data() + static_cast<size_t>(t) * stride, n_in);
    return stride;
}

}  // namespace

void matmul_shared_input(const MatmulTarget* targets, int n_targets, const float* x, int64_t n_tokens, ThreadPool& pool,
                         MatmulScratch& scratch) {
    // Targets sharing an input usually share a type; convert once per distinct vec_dot type.
    int64_t total_rows = 0;
    for (int i = 0; i < n_targets; ++i) total_rows += targets[i].w->n_out;
    const int64_t n_in = targets[0].w->n_in;
    const QuantFormat& first = *targets[0].w->format;
    bool same_act = true;
    for (int i = 1; i < n_targets; ++i) same_act &= targets[i].w->format->vec_dot_type == first.vec_dot_type;
    if (!same_act) {
        for (int i = 0; i < n_targets; ++i) matmul(*targets[i].w, x, n_tokens, targets[i].y, pool, scratch);
        return;
    }
    const size_t stride = convert_activations(first, x, n_in, n_tokens, scratch);
    const uint8_t* act = scratch.activations.data();
    const Kernels& k = kernels();

    // Rows of all targets form one range split across threads; 16-row chunks keep weights in cache
    // while every token of the batch uses them.
    constexpr int64_t kChunk = 16;
    const int64_t n_chunks = (total_rows + kChunk - 1) / kChunk;
    pool.run(n_chunks, [&](int64_t chunk, int) {
        int64_t r0 = chunk * kChunk;
        const int64_t r_end = std::min(total_rows, r0 + kChunk);
        int target = 0;
        int64_t base = 0;
        while (r0 >= base + targets[target].w->n_out) base += targets[target++].w->n_out;
        while (r0 < r_end) {
            const WeightMatrix& w = *targets[target].w;
            const int64_t local0 = r0 - base;
            const int64_t local1 = std::min(w.n_out, r_end - base);
            k.gemm_rows(w, local0, local1, act, stride, n_tokens, targets[target].y);
            r0 = base + local1;
            base += w.n_out;
            ++target;
        }
    });
}

void matmul(const WeightMatrix& w, const float* x, int64_t n_tokens, float* y, ThreadPool& pool, MatmulScratch& scratch) {
    const MatmulTarget t{&w, y};
    matmul_shared_input(&t, 1, x, n_tokens, pool, scratch);
}

void embedding_row(const WeightMatrix& w, int64_t row, float* out) {
    w.format->dequantize_row(w.row(row), out, w.n_in);
}

}  // namespace chord
