#pragma once
// The KV cache: per layer, K and V as [n_head_kv][n_ctx][head_dim] in F32 or F16, so one head's keys are
// contiguous across positions (what attention streams through).
#include <cstdint>
#include <vector>

#include "chord/session.h"

namespace chord {

struct HyperParams;
struct ModelWeights;

class KvCache {
public:
    KvCache(const HyperParams& hp, int n_ctx, KvType type);

    KvType type() const { return type_; }
    int n_ctx() const { return n_ctx_; }
    uint64_t bytes() const;
    size_t elem_bytes() const { return type_ == KvType::F16 ? 2 : 4; }

    // Stores one position's K and V rows ([n_head_kv][head_dim] floats each).
    void store(int layer, int pos, const float* k, const float* v);
    const void* k(int layer) const { return k_[static_cast<size_t>(layer)].data(); }
    const void* v(int layer) const { return v_[static_cast<size_t>(layer)].data(); }

    // Reads one position's K as floats ([n_head_kv][head_dim]); used by context shift and tests.
    void read_k(int layer, int pos, float* out) const;
    // Moves positions [from, from + n) to [to, to + n) (to < from).
    void move(int from, int to, int n);
    // Re-rotates K at positions [first, first + n) by delta positions (RoPE is a rotation: R(p)·R(d) = R(p+d)),
    // with each layer's own RoPE as the forward pass applies it (runtime/forward_layer.h rope_heads: gemma3's
    // local layers have their own base and scale, some models have frequency factors).
    void rotate_k(int first, int n, int delta, const HyperParams& hp, const ModelWeights& w);

private:
    uint8_t* at(std::vector<uint8_t>& buf, int head, int pos) {
        return buf.data() + (static_cast<size_t>(head) * n_ctx_ + pos) * head_dim_ * elem_bytes();
    }
    KvType type_;
    int n_ctx_, n_layer_, n_head_kv_, head_dim_;
    std::vector<std::vector<uint8_t>> k_, v_;
};

}  // namespace chord
