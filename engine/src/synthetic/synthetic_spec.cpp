// Synthetic model shapes: presets, validation and the tensor plan (make_model.py's tensor_plan order).
#include <fmt/format.h>

#include "chord/error.h"
#include "chord/synthetic_model.h"

namespace chord {

namespace {

struct Preset {
    const char* name;
    int n_layer, n_embd, n_ff, n_head, n_head_kv, n_vocab, n_ctx;
};

constexpr Preset kPresets[] = {
    // TinyLlama/TinyLlama-1.1B-Chat-v1.0's config.
    {"tinyllama-1.1b", 22, 2048, 5632, 32, 4, 32000, 2048},
    // make_model.py --tiny: head_dim 32, GQA 4:1.
    {"tiny", 4, 256, 768, 8, 2, 32000, 2048},
    // Small enough for unit tests to write and run in milliseconds.
    {"micro", 2, 64, 128, 4, 2, 512, 512},
};

void require(bool ok, const std::string& what) {
    if (!ok) throw Error(ErrorKind::InvalidArgument, "synthetic model: " + what);
}

}  // namespace

std::optional<SyntheticModelSpec> synthetic_preset(std::string_view name) {
    for (const Preset& p : kPresets) {
        if (name != p.name) continue;
        SyntheticModelSpec s;
        s.n_layer = p.n_layer;
        s.n_embd = p.n_embd;
        s.n_ff = p.n_ff;
        s.n_head = p.n_head;
        s.n_head_kv = p.n_head_kv;
        s.n_vocab = p.n_vocab;
        s.n_ctx = p.n_ctx;
        return s;
    }
    return std::nullopt;
}

std::vector<std::string> synthetic_preset_names() {
    std::vector<std::string> names;
    for (const Preset& p : kPresets) names.emplace_back(p.name);
    return names;
}

void SyntheticModelSpec::validate() const {
    require(n_layer > 0 && n_embd > 0 && n_ff > 0 && n_head > 0 && n_head_kv > 0 && n_ctx > 0,
            "every dimension must be positive");
    require(n_vocab > 259, fmt::format("vocab {} must exceed 259 (3 special + 256 byte tokens)", n_vocab));
    require(n_embd % n_head == 0, fmt::format("dim {} is not a multiple of heads {}", n_embd, n_head));
    require(n_head % n_head_kv == 0, fmt::format("heads {} is not a multiple of KV heads {}", n_head, n_head_kv));
    require((n_embd / n_head) % 2 == 0, "head size must be even (RoPE rotates pairs)");
    require(stddev > 0.0f, "stddev must be positive");
    for (TensorType t : {weight_type, embd_type.value_or(weight_type), output_type.value_or(weight_type)}) {
        const TensorTypeInfo* info = tensor_type_info(t);
        require(info != nullptr, "unknown tensor type");
        for (int d : {n_embd, n_ff})
            require(d % info->block_elems == 0,
                    fmt::format("dimension {} is not a multiple of {}'s block of {}", d, info->name, info->block_elems));
    }
}

std::vector<SyntheticTensor> synthetic_tensor_plan(const SyntheticModelSpec& s) {
    const int64_t E = s.n_embd, F = s.n_ff, V = s.n_vocab;
    const int64_t E_kv = E / s.n_head * s.n_head_kv;
    const TensorType w = s.weight_type;
    std::vector<SyntheticTensor> plan;
    plan.push_back({"token_embd.weight", {E, V}, s.embd_type.value_or(w), false});
    for (int i = 0; i < s.n_layer; ++i) {
        const std::string p = fmt::format("blk.{}.", i);
        plan.push_back({p + "attn_norm.weight", {E}, TensorType::F32, true});
        plan.push_back({p + "attn_q.weight", {E, E}, w, false});
        plan.push_back({p + "attn_k.weight", {E, E_kv}, w, false});
        plan.push_back({p + "attn_v.weight", {E, E_kv}, w, false});
        plan.push_back({p + "attn_output.weight", {E, E}, w, false});
        plan.push_back({p + "ffn_norm.weight", {E}, TensorType::F32, true});
        plan.push_back({p + "ffn_gate.weight", {E, F}, w, false});
        plan.push_back({p + "ffn_down.weight", {F, E}, w, false});
        plan.push_back({p + "ffn_up.weight", {E, F}, w, false});
    }
    plan.push_back({"output_norm.weight", {E}, TensorType::F32, true});
    plan.push_back({"output.weight", {E, V}, s.output_type.value_or(w), false});
    return plan;
}

}  // namespace chord
