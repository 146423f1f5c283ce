#include "runtime/kv_cache.h"

#include <cstring>

#include "model/hparams.h"
#include "quant/fp16.h"
#include "runtime/forward_layer.h"

namespace chord {

KvCache::KvCache(const HyperParams& hp, int n_ctx, KvType type)
    : type_(type), n_ctx_(n_ctx), n_layer_(hp.n_layer), n_head_kv_(hp.n_head_kv), head_dim_(hp.head_dim) {
    const size_t per_layer = static_cast<size_t>(n_head_kv_) * n_ctx_ * head_dim_ * elem_bytes();
    k_.assign(static_cast<size_t>(n_layer_), std::vector<uint8_t>(per_layer));
    v_.assign(static_cast<size_t>(n_layer_), std::vector<uint8_t>(per_layer));
}

uint64_t KvCache::bytes() const {
    return 2ull * static_cast<uint64_t>(n_layer_) * n_head_kv_ * n_ctx_ * head_dim_ * elem_bytes();
}

void KvCache::store(int layer, int pos, const float* k, const float* v) {
    auto& kb = k_[static_cast<size_t>(layer)];
    auto& vb = v_[static_cast<size_t>(layer)];
    for (int h = 0; h < n_head_kv_; ++h) {
        const float* ks = k + h * head_dim_;
        const float* vs = v + h * head_dim_;
        if (type_ == KvType::F32) {
            std::memcpy(at(kb, h, pos), ks, static_cast<size_t>(head_dim_) * 4);
            std::memcpy(at(vb, h, pos), vs, static_cast<size_t>(head_dim_) * 4);
        } else {
            auto* kd = reinterpret_cast<uint16_t*>(at(kb, h, pos));
            auto* vd = reinterpret_cast<uint16_t*>(at(vb, h, pos));
            for (int i = 0; i < head_dim_; ++i) {
                kd[i] = fp32_to_fp16(ks[i]);
                vd[i] = fp32_to_fp16(vs[i]);
            }
        }
    }
}

void KvCache::read_k(int layer, int pos, float* out) const {
    auto& kb = const_cast<std::vector<uint8_t>&>(k_[static_cast<size_t>(layer)]);
    for (int h = 0; h < n_head_kv_; ++h) {
        const uint8_t* src = const_cast<KvCache*>(this)->at(kb, h, pos);
        if (type_ == KvType::F32) {
            std::memcpy(out + h * head_dim_, src, static_cast<size_t>(head_dim_) * 4);
        } else {
            const auto* s = reinterpret_cast<const uint16_t*>(src);
            for (int i = 0; i < head_dim_; ++i) out[h * head_dim_ + i] = fp16_to_fp32(s[i]);
        }
    }
}

void KvCache::move(int from, int to, int n) {
    const size_t row = static_cast<size_t>(head_dim_) * elem_bytes();
    for (int l = 0; l < n_layer_; ++l)
        for (int h = 0; h < n_head_kv_; ++h)
            for (auto* buf : {&k_[static_cast<size_t>(l)], &v_[static_cast<size_t>(l)]})
                std::memmove(at(*buf, h, to), at(*buf, h, from), row * static_cast<size_t>(n));
}

void KvCache::rotate_k(int first, int n, int delta, const HyperParams& hp, const ModelWeights& w) {
    std::vector<float> row(static_cast<size_t>(n_head_kv_) * head_dim_);
    for (int l = 0; l < n_layer_; ++l) {
        auto& kb = k_[static_cast<size_t>(l)];
        for (int p = first; p < first + n; ++p) {
            read_k(l, p, row.data());
            rope_heads(hp, w, l, row.data(), n_head_kv_, delta);
            for (int h = 0; h < n_head_kv_; ++h) {
                uint8_t* dst = at(kb, h, p);
                if (type_ == KvType::F32) {
                    std::memcpy(dst, row.data() + h * head_dim_, static_cast<size_t>(head_dim_) * 4);
                } else {
                    auto* d = reinterpret_cast<uint16_t*>(dst);
                    for (int i = 0; i < head_dim_; ++i) d[i] = fp32_to_fp16(row[static_cast<size_t>(h * head_dim_ + i)]);
                }
            }
        }
    }
}

}  // namespace chord
