#pragma once
// Addressing the KV cache and the visible keys of a query row.
// With an F16 cache, llama.cpp converts the f32 query to F16 before q·k (flash attention's Q→F16 step,
// and mul_mat's conversion of its f32 operand to the F16 weight's vec_dot type), so the backends round
// the query through F16 too (AttentionKernels::round_through_f16); products are then summed in f32.
// With an F32 cache nothing is rounded.
#include <cstdint>

#include "attention/attention.h"

namespace chord {

// One head's K or V rows: [kv_stride][head_dim] of F32 or F16 bits.
struct KvHeadView {
    const void* data = nullptr;
    KvType type = KvType::F32;
    int head_dim = 0;

    const float* f32_row(int pos) const {
        return static_cast<const float*>(data) + static_cast<int64_t>(pos) * head_dim;
    }
    const uint16_t* f16_row(int pos) const {
        return static_cast<const uint16_t*>(data) + static_cast<int64_t>(pos) * head_dim;
    }
};

inline KvHeadView kv_head_view(const void* cache, KvType type, int kv_stride, int head_dim, int kv_head) {
    const int64_t offset = static_cast<int64_t>(kv_head) * kv_stride * head_dim;
    const int64_t elem = type == KvType::F32 ? int64_t{sizeof(float)} : int64_t{sizeof(uint16_t)};
    return {static_cast<const char*>(cache) + offset * elem, type, head_dim};
}

// Query row i at position pos0 + i sees keys [first, last] (inclusive).
struct KeyRange {
    int first;
    int last;
};
inline KeyRange visible_keys(const AttentionShape& s, int query_row) {
    const int pos = s.pos0 + query_row;
    const int first = s.window > 0 ? (pos - s.window + 1 > 0 ? pos - s.window + 1 : 0) : 0;
    const int last = pos < s.n_kv - 1 ? pos : s.n_kv - 1;
    return {first, last};
}

// scale·(q·k), then the optional softcap c·tanh(s/c) (gemma2), as llama.cpp applies them.
float scaled_score(float dot, const AttentionShape& s);

// Throws chord::Error(InvalidArgument) for inconsistent shapes or missing pointers.
void check_attention_args(const AttentionArgs& args);

}  // namespace chord
