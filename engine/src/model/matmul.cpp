#include "model/matmul.h"

#include <algorithm>
#include <cstdlib>
#include <new>
#include <stdexcept>

#include "kernels/kernels.h"
#include "threading/thread_pool.h"

namespace chord {

void AlignedBuffer::FreeAligned::operator()(uint8_t* p) const { std::free(p); }

uint8_t* AlignedBuffer::reserve(size_t bytes) {
    if (bytes > size_ || !data_) {
        const size_t size = (std::max<size_t>(bytes, 64) + 63) / 64 * 64;
        auto* p = static_cast<uint8_t*>(std::aligned_alloc(64, size));
        if (!p) throw std::bad_alloc();
        data_.reset(p);
        size_ = size;
    }
    return data_.get();
}

namespace {

// Converts x with the table's conversion, groups of tokens in parallel; returns the converted buffer.
const uint8_t* convert_activations(const Kernels& k, const QuantFormat& format, const float* x, int64_t n_in,
                                   int64_t n_tokens, ThreadPool& pool, MatmulScratch& scratch) {
    uint8_t* act = scratch.activations.reserve(k.activation_bytes(format, n_in, n_tokens));
    const int64_t n_groups = (n_tokens + kActivationTokenGroup - 1) / kActivationTokenGroup;
    pool.run(n_groups, [&](int64_t g, int) {
        const int64_t t0 = g * kActivationTokenGroup;
        const int64_t t1 = std::min(n_tokens, t0 + kActivationTokenGroup);
        k.convert_activations(format, x, n_in, n_tokens, t0, t1, act);
    });
    return act;
}

}  // namespace

void matmul_shared_input(const MatmulTarget* targets, int n_targets, const float* x, int64_t n_tokens, ThreadPool& pool,
                         MatmulScratch& scratch) {
    // Conversion depends only on the vec_dot type: targets sharing one are converted once.
    if (n_targets > kMaxMatmulTargets) throw std::invalid_argument("matmul_shared_input: too many targets");
    const Kernels& k = kernels();
    for (int i = 0; i < n_targets; ++i)
        if (targets[i].w->layout != RowLayout::RowMajor &&
            !(k.decode_layout && k.decode_layout(targets[i].w->type) == targets[i].w->layout))
            throw std::logic_error(targets[i].w->name + " was repacked for another kernel table: reload the model");
    const int64_t n_in = targets[0].w->n_in;
    const QuantFormat& first = *targets[0].w->format;
    bool same_act = true;
    for (int i = 1; i < n_targets; ++i) same_act &= targets[i].w->format->vec_dot_type == first.vec_dot_type;
    if (!same_act) {
        for (int i = 0; i < n_targets; ++i) matmul(*targets[i].w, x, n_tokens, targets[i].y, pool, scratch);
        return;
    }
    const uint8_t* act = convert_activations(k, first, x, n_in, n_tokens, pool, scratch);

    // Each target's rows are cut into chunks (from its row 0, so an interleaved matrix's chunks hold whole
    // 16-row groups) and all targets' chunks form one range split across threads.
    // Decode streams every weight once: long contiguous runs per thread keep the hardware prefetchers
    // streaming (measured here on 1.1B Q4_0, 2 threads, quiet: 16-row chunks 36 t/s, 2 chunks per thread
    // 63, 1 per thread 64–67); two per thread let the caller take over part of a descheduled worker's share.
    // A batch reuses each chunk of rows for all its tokens, so 64-row chunks re-read the (larger)
    // activations less often while still balancing.
    constexpr int64_t kDecodeChunksPerThread = 2;
    int64_t chunk[kMaxMatmulTargets];
    int64_t first_chunk[kMaxMatmulTargets + 1] = {0};
    for (int i = 0; i < n_targets; ++i) {
        const int64_t n_out = targets[i].w->n_out;
        const int64_t n_chunks = pool.size() * kDecodeChunksPerThread;
        const int64_t share = (n_out + n_chunks - 1) / n_chunks;
        chunk[i] = n_tokens >= kActivationTokenGroup ? 64 : std::max<int64_t>(16, (share + 15) / 16 * 16);
        first_chunk[i + 1] = first_chunk[i] + (n_out + chunk[i] - 1) / chunk[i];
    }
    pool.run(first_chunk[n_targets], [&](int64_t c, int) {
        int target = 0;
        while (c >= first_chunk[target + 1]) ++target;
        const WeightMatrix& w = *targets[target].w;
        const int64_t row0 = (c - first_chunk[target]) * chunk[target];
        k.gemm_rows(w, row0, std::min(w.n_out, row0 + chunk[target]), act, n_tokens, targets[target].y);
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
