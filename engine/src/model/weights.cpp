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
        if (t->n_elements() != n)
            throw Error(ErrorKind::BadFile, fmt::format("{}: tensor {} has {} elements, expected {}", f_.path(), name,
                                                        t->n_elements(), n));
        if (t->type != TensorType::F32)
            throw Error(ErrorKind::Unsupported, fmt::format("{}: tensor {} is {}, expected F32", f_.path(), name,
                                                            tensor_type_name(t->type)));
        if (reinterpret_cast<uintptr_t>(t->data) % alignof(float) != 0)
            throw Error(ErrorKind::BadFile, fmt::format("{}: tensor {} is misaligned", f_.path(), name));
        return WeightVector{reinterpret_cast<const float*>(t->data), n};
    }

private:
    const GgufFile& f_;
};

}  // namespace

ModelWeights ModelWeights::bind(const GgufFile& f, const HyperParams& hp) {
    Binder b(f);
    ModelWeights w;
    const GgufTensor* embd = b.find("token_embd.weight");
    if (!embd) throw Error(ErrorKind::BadFile, f.path() + ": tensor token_embd.weight is missing");
    w.token_embd = b.matrix_of(*embd, hp.n_embd, hp.n_vocab);
    w.output_norm = b.vector("output_norm.weight", hp.n_embd);
    w.output = b.find("output.weight") ? b.matrix("output.weight", hp.n_embd, hp.n_vocab) : w.token_embd;
    w.layers.resize(static_cast<size_t>(hp.n_layer));
    for (int i = 0; i < hp.n_layer; ++i) {
        const std::string p = fmt::format("blk.{}.", i);
        LayerWeights& l = w.layers[static_cast<size_t>(i)];
        l.attn_norm = b.vector(p + "attn_norm.weight", hp.n_embd);
        l.wq = b.matrix(p + "attn_q.weight", hp.n_embd, hp.q_dim());
        l.wk = b.matrix(p + "attn_k.weight", hp.n_embd, hp.kv_dim());
        l.wv = b.matrix(p + "attn_v.weight", hp.n_embd, hp.kv_dim());
        l.wo = b.matrix(p + "attn_output.weight", hp.q_dim(), hp.n_embd);
        l.ffn_norm = b.vector(p + "ffn_norm.weight", hp.n_embd);
        l.w_gate = b.matrix(p + "ffn_gate.weight", hp.n_embd, hp.n_ff);
        l.w_up = b.matrix(p + "ffn_up.weight", hp.n_embd, hp.n_ff);
        l.w_down = b.matrix(p + "ffn_down.weight", hp.n_ff, hp.n_embd);
    }
    return w;
}

uint64_t ModelWeights::total_bytes() const {
    uint64_t n = token_embd.bytes() + static_cast<uint64_t>(output_norm.n) * 4;
    if (output.data != token_embd.data) n += output.bytes();
    for (const LayerWeights& l : layers) {
        n += l.wq.bytes() + l.wk.bytes() + l.wv.bytes() + l.wo.bytes() + l.w_gate.bytes() + l.w_up.bytes() +
             l.w_down.bytes() + static_cast<uint64_t>(l.attn_norm.n + l.ffn_norm.n) * 4;
    }
    return n;
}

}  // namespace chord
