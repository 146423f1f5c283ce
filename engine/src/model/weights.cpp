#include "model/weights.h"

#include <fmt/format.h>

#include "chord/error.h"
#include "chord/gguf.h"
#include "model/hparams.h"

namespace chord {

namespace {

class Binder {
public:
    Binder(const GgufFile& f) : f_(f) {}

    const GgufTensor* find(const std::string& name) const { return f_.tensor(name); }

    WeightMatrix matrix(const std::string& name, int64_t n_in, int64_t n_out) const {
        const GgufTensor* t = f_.tensor(name);
        if (!t) throw Error(ErrorKind::BadFile, fmt::format("{}: tensor {} is missing", f_.path(), name));
        return matrix_of(*t, n_in, n_out);
    }

    WeightMatrix matrix_of(const GgufTensor& t, int64_t n_in, int64_t n_out) const {
        if (t.ne[0] != n_in || t.ne[1] != n_out || t.ne[2] != 1 || t.ne[3] != 1)
            throw Error(ErrorKind::BadFile, fmt::format("{}: tensor {} has shape [{}, {}], expected [{}, {}]", f_.path(),
                                                        t.name, t.ne[0], t.ne[1], n_in, n_out));
        const QuantFormat* format = quant_format(t.type);
        if (!format)
            throw Error(ErrorKind::Unsupported, fmt::format("{}: tensor {} uses type {}, which Chord does not support yet",
                                                            f_.path(), t.name, tensor_type_name(t.type)));
        WeightMatrix m;
        m.name = t.name;
        m.type = t.type;
        m.format = format;
        m.data = t.data;
        m.n_in = n_in;
        m.n_out = n_out;
        m.row_bytes = row_bytes(t.type, n_in);
        return m;
    }

    WeightVector vector(const std::string& name, int64_t n) const {
        const GgufTensor* t = f_.tensor(name);
        if (!t) throw Error(ErrorKind::BadFile, fmt::format("{}: tensor {} is missing", f_.path(), name));
        return vector_of(*t, n);
    }

    // A vector the architecture may or may not have (biases); null when absent and not required.
    WeightVector optional_vector(const std::string& name, int64_t n, bool required) const {
        const GgufTensor* t = f_.tensor(name);
        if (!t) {
            if (required) throw Error(ErrorKind::BadFile, fmt::format("{}: tensor {} is missing", f_.path(), name));
            return {};
        }
        return vector_of(*t, n);
    }

private:
    WeightVector vector_of(const GgufTensor& t, int64_t n) const {
        if (t.n_elements() != n)
            throw Error(ErrorKind::BadFile, fmt::format("{}: tensor {} has {} elements, expected {}", f_.path(), t.name,
                                                        t.n_elements(), n));
        if (t.type != TensorType::F32)
            throw Error(ErrorKind::Unsupported, fmt::format("{}: tensor {} is {}, expected F32", f_.path(), t.name,
                                                            tensor_type_name(t.type)));
        if (reinterpret_cast<uintptr_t>(t.data) % alignof(float) != 0)
            throw Error(ErrorKind::BadFile, fmt::format("{}: tensor {} is misaligned", f_.path(), t.name));
        return WeightVector{reinterpret_cast<const float*>(t.data), n};
    }

    const GgufFile& f_;
};

// Q, K and V: separate matrices, or row ranges of a fused attn_qkv (phi3, gpt2), with optional biases.
void bind_qkv(const Binder& b, const HyperParams& hp, const std::string& p, LayerWeights& l) {
    const int64_t q = hp.q_dim(), kv = hp.kv_dim();
    const bool biases_required = hp.architecture == Architecture::Qwen2 || hp.architecture == Architecture::Starcoder2 ||
                                 hp.architecture == Architecture::Gpt2;
    if (b.find(p + "attn_qkv.weight")) {
        const WeightMatrix fused = b.matrix(p + "attn_qkv.weight", hp.n_embd, q + 2 * kv);  // rows Q | K | V
        l.wq = row_range(fused, 0, q);
        l.wk = row_range(fused, q, kv);
        l.wv = row_range(fused, q + kv, kv);
        if (const WeightVector bias = b.optional_vector(p + "attn_qkv.bias", q + 2 * kv, biases_required)) {
            l.bq = element_range(bias, 0, q);
            l.bk = element_range(bias, q, kv);
            l.bv = element_range(bias, q + kv, kv);
        }
        return;
    }
    l.wq = b.matrix(p + "attn_q.weight", hp.n_embd, q);
    l.wk = b.matrix(p + "attn_k.weight", hp.n_embd, kv);
    l.wv = b.matrix(p + "attn_v.weight", hp.n_embd, kv);
    l.bq = b.optional_vector(p + "attn_q.bias", q, biases_required);
    l.bk = b.optional_vector(p + "attn_k.bias", kv, biases_required);
    l.bv = b.optional_vector(p + "attn_v.bias", kv, biases_required);
}

// Gate, up and down: separate, phi3's fused ffn_up (rows gate | up), or an ungated MLP with biases.
void bind_ffn(const Binder& b, const HyperParams& hp, const std::string& p, LayerWeights& l) {
    const int64_t ff = hp.n_ff;
    const bool biases_required = hp.architecture == Architecture::Starcoder2 || hp.architecture == Architecture::Gpt2;
    l.w_down = b.matrix(p + "ffn_down.weight", ff, hp.n_embd);
    l.b_down = b.optional_vector(p + "ffn_down.bias", hp.n_embd, biases_required);
    if (hp.ffn == FfnKind::Gelu) {
        l.w_up = b.matrix(p + "ffn_up.weight", hp.n_embd, ff);
        l.b_up = b.optional_vector(p + "ffn_up.bias", ff, biases_required);
        return;
    }
    if (b.find(p + "ffn_gate.weight")) {
        l.w_gate = b.matrix(p + "ffn_gate.weight", hp.n_embd, ff);
        l.w_up = b.matrix(p + "ffn_up.weight", hp.n_embd, ff);
        return;
    }
    const GgufTensor* up = b.find(p + "ffn_up.weight");
    if (up && up->ne[1] == 2 * ff) {
        const WeightMatrix fused = b.matrix(p + "ffn_up.weight", hp.n_embd, 2 * ff);
        l.w_gate = row_range(fused, 0, ff);
        l.w_up = row_range(fused, ff, ff);
        return;
    }
    b.matrix(p + "ffn_gate.weight", hp.n_embd, ff);  // throws: names the missing tensor
}

LayerWeights bind_layer(const Binder& b, const HyperParams& hp, int layer) {
    const std::string p = fmt::format("blk.{}.", layer);
    const bool layer_norm = hp.norm == NormKind::Layer;
    const bool biases_required = hp.architecture == Architecture::Starcoder2 || hp.architecture == Architecture::Gpt2;
    LayerWeights l;
    l.attn_norm = b.vector(p + "attn_norm.weight", hp.n_embd);
    l.attn_norm_b = b.optional_vector(p + "attn_norm.bias", hp.n_embd, layer_norm);
    bind_qkv(b, hp, p, l);
    if (hp.qk_norm) {
        l.q_norm = b.vector(p + "attn_q_norm.weight", hp.head_dim);
        l.k_norm = b.vector(p + "attn_k_norm.weight", hp.head_dim);
    }
    l.wo = b.matrix(p + "attn_output.weight", hp.q_dim(), hp.n_embd);
    l.bo = b.optional_vector(p + "attn_output.bias", hp.n_embd, biases_required);
    if (hp.post_norms) l.post_attn_norm = b.vector(p + "post_attention_norm.weight", hp.n_embd);
    l.ffn_norm = b.vector(p + "ffn_norm.weight", hp.n_embd);
    l.ffn_norm_b = b.optional_vector(p + "ffn_norm.bias", hp.n_embd, layer_norm);
    bind_ffn(b, hp, p, l);
    if (hp.post_norms) l.post_ffn_norm = b.vector(p + "post_ffw_norm.weight", hp.n_embd);
    return l;
}

}  // namespace

WeightMatrix row_range(const WeightMatrix& m, int64_t first, int64_t n) {
    WeightMatrix r = m;
    r.data = m.row(first);
    r.n_out = n;
    return r;
}

WeightVector element_range(const WeightVector& v, int64_t first, int64_t n) { return WeightVector{v.data + first, n}; }

ModelWeights ModelWeights::bind(const GgufFile& f, const HyperParams& hp) {
    Binder b(f);
    ModelWeights w;
    const GgufTensor* embd = b.find("token_embd.weight");
    if (!embd) throw Error(ErrorKind::BadFile, f.path() + ": tensor token_embd.weight is missing");
    w.token_embd = b.matrix_of(*embd, hp.n_embd, hp.n_vocab);
    if (hp.learned_positions) {
        const GgufTensor* pos = b.find("position_embd.weight");
        if (!pos) throw Error(ErrorKind::BadFile, f.path() + ": tensor position_embd.weight is missing");
        w.position_embd = b.matrix_of(*pos, hp.n_embd, pos->ne[1]);
    }
    w.output_norm = b.vector("output_norm.weight", hp.n_embd);
    w.output_norm_b = b.optional_vector("output_norm.bias", hp.n_embd, hp.norm == NormKind::Layer);
    // gemma2 always ties the output to the embedding (llama.cpp's loader expects no output.weight).
    const bool tied = hp.architecture == Architecture::Gemma2 || !b.find("output.weight");
    w.output = tied ? w.token_embd : b.matrix("output.weight", hp.n_embd, hp.n_vocab);
    if (hp.n_rot > 0) w.rope_freqs = b.optional_vector("rope_freqs.weight", hp.n_rot / 2, false);
    for (const char* name : {"rope_factors_long.weight", "rope_factors_short.weight"})
        if (b.find(name))
            throw Error(ErrorKind::Unsupported, fmt::format("{}: LongRoPE scaling ({}) is not supported yet", f.path(), name));
    w.layers.reserve(static_cast<size_t>(hp.n_layer));
    for (int i = 0; i < hp.n_layer; ++i) w.layers.push_back(bind_layer(b, hp, i));
    return w;
}

uint64_t ModelWeights::total_bytes() const {
    const auto vec = [](const WeightVector& v) { return static_cast<uint64_t>(v.n) * sizeof(float); };
    uint64_t n = token_embd.bytes() + position_embd.bytes() + vec(output_norm) + vec(output_norm_b) + vec(rope_freqs);
    if (output.data != token_embd.data) n += output.bytes();
    for (const LayerWeights& l : layers) {
        n += l.wq.bytes() + l.wk.bytes() + l.wv.bytes() + l.wo.bytes() + l.w_gate.bytes() + l.w_up.bytes() +
             l.w_down.bytes();
        for (const WeightVector* v : {&l.attn_norm, &l.attn_norm_b, &l.bq, &l.bk, &l.bv, &l.q_norm, &l.k_norm, &l.bo,
                                      &l.post_attn_norm, &l.ffn_norm, &l.ffn_norm_b, &l.b_up, &l.b_down, &l.post_ffn_norm})
            n += vec(*v);
    }
    return n;
}

}  // namespace chord
