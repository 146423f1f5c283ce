#pragma once
// Attention over the KV cache, behind one interface with two backends:
//   standard: materialises scores [n_head × n_q × n_kv], softmax, × V.
//   flash:    tiles of queries × tiles of keys, running max and sum with a rescaled accumulator;
//             scratch memory independent of the context length.
// Query row i sits at position pos0 + i and sees keys 0 … pos0 + i (causal), or, with a sliding window
// W > 0, keys pos0 + i - W + 1 … pos0 + i. Grouped-query attention: query head h reads KV head
// h / (n_head / n_head_kv).
#include <cstddef>
#include <cstdint>
#include <memory>

#include "chord/session.h"  // AttentionBackend, KvType

namespace chord {

class ThreadPool;
struct AttentionKernels;

struct AttentionShape {
    int n_q = 1;         // query rows (tokens in this batch)
    int n_kv = 1;        // keys in the cache, including this batch's
    int n_head = 1;
    int n_head_kv = 1;
    int head_dim = 64;
    int pos0 = 0;        // position of query row 0; pos0 + n_q <= n_kv
    float scale = 0.125f;    // usually 1/sqrt(head_dim)
    float softcap = 0.0f;    // > 0: scores = softcap * tanh(scale·q·k / softcap) (gemma2), scale applied first
    int window = 0;          // > 0: sliding-window attention
};

struct AttentionArgs {
    AttentionShape shape;
    const float* q = nullptr;  // [n_q][n_head][head_dim]
    // KV cache of one layer, F32 or F16 (uint16_t bits) per kv_type:
    // K and V are [n_head_kv][kv_stride][head_dim] (kv_stride >= n_kv positions per head).
    const void* k = nullptr;
    const void* v = nullptr;
    KvType kv_type = KvType::F32;
    int kv_stride = 0;
    float* out = nullptr;      // [n_q][n_head][head_dim]
};

class Attention {
public:
    virtual ~Attention() = default;
    virtual AttentionBackend backend() const = 0;
    // Scratch bytes run() needs for this shape with `threads` threads.
    virtual size_t scratch_bytes(const AttentionShape& shape, int threads) const = 0;
    virtual void run(const AttentionArgs& args, ThreadPool& pool) = 0;
    // Bytes of scratch actually allocated, at most, since construction (counted, not estimated).
    size_t peak_allocated_bytes() const { return peak_allocated_; }
    // The inner-loop kernels run() calls (attention_kernels.h); by default the best this CPU runs.
    void set_kernels(const AttentionKernels& kernels) { kernels_ = &kernels; }
    const AttentionKernels& kernels() const { return *kernels_; }

protected:
    Attention();
    size_t peak_allocated_ = 0;
    const AttentionKernels* kernels_;
};

std::unique_ptr<Attention> make_attention(AttentionBackend backend);

}  // namespace chord
