#include "quant/quant_mix.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "chord/error.h"

namespace chord {

namespace {

// llama.cpp's LLAMA_FTYPE_* numbers.
enum Ftype : uint32_t {
    kF16 = 1, kQ4_0 = 2, kQ4_1 = 3, kQ8_0 = 7, kQ5_0 = 8, kQ5_1 = 9, kQ2_K = 10, kQ3_K_S = 11, kQ3_K_M = 12,
    kQ3_K_L = 13, kQ4_K_S = 14, kQ4_K_M = 15, kQ5_K_S = 16, kQ5_K_M = 17, kQ6_K = 18, kIQ4_NL = 25, kIQ4_XS = 30,
    kBF16 = 32,
};

// The broad roles llama.cpp gives tensors (its tensor_category), found from the name.
enum class Role { TokenEmbd, AttnQ, AttnV, AttnK, AttnQkv, AttnKvB, AttnOutput, FfnUp, FfnGate, FfnDown, Output, Other };

bool contains(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }

Role role_of(std::string_view name) {
    if (name == "output.weight") return Role::Output;
    if (name == "token_embd.weight" || name == "per_layer_token_embd.weight") return Role::TokenEmbd;
    if (contains(name, "attn_qkv.weight")) return Role::AttnQkv;
    if (contains(name, "attn_kv_b.weight")) return Role::AttnKvB;
    if (contains(name, "attn_v.weight")) return Role::AttnV;
    if (contains(name, "attn_k.weight")) return Role::AttnK;
    if (contains(name, "attn_q.weight")) return Role::AttnQ;
    if (contains(name, "attn_output.weight")) return Role::AttnOutput;
    if (contains(name, "ffn_up")) return Role::FfnUp;
    if (contains(name, "ffn_gate")) return Role::FfnGate;
    if (contains(name, "ffn_down")) return Role::FfnDown;
    return Role::Other;
}

// attn_v-like tensors are the most sensitive to quantization and get bumped first.
bool is_attn_v_like(Role r) { return r == Role::AttnV || r == Role::AttnQkv || r == Role::AttnKvB; }

int n_dims_of(const std::vector<int64_t>& ne) {
    int n = 1;
    for (size_t i = 1; i < ne.size(); ++i)
        if (ne[i] > 1) n = static_cast<int>(i) + 1;
    return n;
}

// llama.cpp's tensor_allows_quantization with default parameters: 2-D+ weights except norms and a
// list of small or special tensors of various architectures.
bool allows_quantization(const MixTensor& t) {
    if (n_dims_of(t.ne) < 2) return false;
    const std::string_view name = t.name;
    if (name.size() < 6 || name.substr(name.size() - 6) != "weight") return false;
    static constexpr std::string_view kKept[] = {
        "_norm.weight", "ffn_gate_inp.weight", "ffn_gate_tid2eid.weight", "altup", "laurel", "per_layer_model_proj",
        "ssm_conv1d", "shortconv.conv.weight", "indexer.k_proj.weight", "indexer.q_proj.weight",
        "time_mix_first.weight", "time_mix_w0.weight", "time_mix_w1.weight", "time_mix_w2.weight",
        "time_mix_v0.weight", "time_mix_v1.weight", "time_mix_v2.weight", "time_mix_a0.weight",
        "time_mix_a1.weight", "time_mix_a2.weight", "time_mix_g1.weight", "time_mix_g2.weight",
        "time_mix_decay_w1.weight", "time_mix_decay_w2.weight", "time_mix_lerp_fused.weight", "attn_rel_b.weight",
        ".position_embd", "sam.pos_embd", "sam.neck.", "sam.net_", ".rel_pos", ".patch_embd", ".patch_merger",
        "a.rvq.codebook", "mm.a.code_embd"};
    for (std::string_view k : kKept)
        if (contains(name, k)) return false;
    return name != "position_embd.weight" && name != "token_types.weight";
}

bool is_quantized(TensorType t) {
    return t != TensorType::F32 && t != TensorType::F16 && t != TensorType::BF16;
}

int64_t block_elems(TensorType t) { return tensor_type_info(t)->block_elems; }

// llama.cpp's tensor_type_fallback: a row length the type's block does not divide.
TensorType fallback_for_row(const MixTensor& t, TensorType target) {
    const int64_t ncols = t.ne[0];
    if (ncols % block_elems(target) == 0) return target;
    TensorType fb;
    switch (target) {
        case TensorType::IQ4_XS: fb = TensorType::IQ4_NL; break;
        case TensorType::Q2_K:
        case TensorType::Q3_K: fb = TensorType::Q4_0; break;
        case TensorType::Q4_K: fb = TensorType::Q5_0; break;
        case TensorType::Q5_K: fb = TensorType::Q5_1; break;
        case TensorType::Q6_K: fb = TensorType::Q8_0; break;
        default:
            throw Error(ErrorKind::Unsupported, "tensor " + t.name + ": rows of " + std::to_string(ncols) +
                                                    " values cannot be stored as " +
                                                    std::string(tensor_type_name(target)));
    }
    return ncols % block_elems(fb) == 0 ? fb : TensorType::F16;
}

class MixChooser {
public:
    MixChooser(const QuantPreset& preset, const MixModelInfo& model, const std::vector<MixTensor>& tensors)
        : ftype_(preset.ftype), model_(model) {
        for (const MixTensor& t : tensors) {
            const Role r = role_of(t.name);
            if (is_attn_v_like(r)) ++n_attention_wv_;
            if (r == Role::Output) tied_embeddings_ = false;
        }
        n_layer_ = model.n_layer;
        is_falcon_ = model.arch == "falcon";
        // llama.cpp calls a llama with 80 layers and grouped KV heads "70B" and bumps its attn_v.
        is_70b_ = model.arch == "llama" && model.n_layer == 80 && model.n_head != model.n_head_kv;
    }

    TensorType choose(const MixTensor& t, TensorType main_type) {
        if (!allows_quantization(t)) return t.type;
        if (!is_quantized(main_type)) return main_type;
        return fallback_for_row(t, choose_by_role(t, main_type));
    }

private:
    int n_gqa() const { return model_.n_head_kv > 0 ? model_.n_head / model_.n_head_kv : 0; }

    static bool use_more_bits(int i_layer, int n_layers) {
        return i_layer < n_layers / 8 || i_layer >= 7 * n_layers / 8 || (i_layer - n_layers / 8) % 3 == 2;
    }

    // For MoE models llama.cpp reads the layer from the name, as experts are not consecutive.
    int layer_of(const MixTensor& t, int counter) const {
        if (model_.n_expert <= 1) return counter;
        int layer = -1;
        if (std::sscanf(t.name.c_str(), "blk.%d.", &layer) != 1 || layer < 0 || layer >= n_layer_)
            throw Error(ErrorKind::BadFile, "tensor " + t.name + ": cannot tell its layer");
        return layer;
    }

    TensorType choose_by_role(const MixTensor& t, TensorType type) {
        const Role role = role_of(t.name);
        const uint32_t f = ftype_;
        if (role == Role::Output || (tied_embeddings_ && role == Role::TokenEmbd)) {
            if (is_falcon_ || t.ne[0] % block_elems(type) != 0) return TensorType::Q8_0;
            return type != TensorType::Q8_0 ? TensorType::Q6_K : type;
        }
        if (role == Role::TokenEmbd) return type;
        if (is_attn_v_like(role)) {
            if (f == kQ2_K) type = n_gqa() >= 4 ? TensorType::Q4_K : TensorType::Q3_K;
            else if (f == kQ3_K_M) type = i_attention_wv_ < 2 ? TensorType::Q5_K : TensorType::Q4_K;
            else if (f == kQ3_K_L) type = TensorType::Q5_K;
            else if ((f == kIQ4_NL || f == kIQ4_XS) && n_gqa() >= 4) type = TensorType::Q5_K;
            else if ((f == kQ4_K_M || f == kQ5_K_M) && use_more_bits(i_attention_wv_, n_attention_wv_))
                type = TensorType::Q6_K;
            else if (f == kQ4_K_S && i_attention_wv_ < 4) type = TensorType::Q5_K;
            if (is_70b_ && (type == TensorType::Q3_K || type == TensorType::Q4_K)) type = TensorType::Q5_K;
            if (model_.n_expert == 8) type = TensorType::Q8_0;
            ++i_attention_wv_;
            return type;
        }
        if (role == Role::AttnK) return model_.n_expert == 8 ? TensorType::Q8_0 : type;
        if (role == Role::FfnDown) {
            const int i_layer = layer_of(t, i_ffn_down_);
            const int n = n_layer_;
            if (f == kQ2_K) type = TensorType::Q3_K;
            else if (f == kQ3_K_M) {
                if (i_layer < n / 16) type = TensorType::Q5_K;
                else if (!is_falcon_ || use_more_bits(i_layer, n)) type = TensorType::Q4_K;
            } else if (f == kQ3_K_L) type = is_falcon_ ? TensorType::Q4_K : TensorType::Q5_K;
            else if (f == kQ4_K_M) {
                if (is_falcon_ && i_layer < n / 16) type = TensorType::Q6_K;
                else if (is_falcon_) type = use_more_bits(i_layer, n) ? TensorType::Q5_K : TensorType::Q4_K;
                else if (use_more_bits(i_layer, n)) type = TensorType::Q6_K;
            } else if (i_layer < n / 8 && (f == kIQ4_NL || f == kIQ4_XS)) type = TensorType::Q5_K;
            else if (f == kQ5_K_M && use_more_bits(i_layer, n)) type = TensorType::Q6_K;
            else if (f == kQ4_K_S && !is_falcon_ && i_layer < n / 8) type = TensorType::Q5_K;
            ++i_ffn_down_;
            return type;
        }
        if (role == Role::AttnOutput) {
            if (!is_falcon_) {
                if (model_.n_expert == 8) {
                    if (f == kQ2_K || f == kQ3_K_S || f == kQ3_K_M || f == kIQ4_NL || f == kQ4_K_S || f == kQ4_K_M ||
                        f == kIQ4_XS)
                        type = TensorType::Q5_K;
                } else if (f == kQ2_K) type = TensorType::Q3_K;
                else if (f == kQ3_K_M) type = TensorType::Q4_K;
                else if (f == kQ3_K_L) type = TensorType::Q5_K;
            } else if (f == kQ3_K_L) {
                type = TensorType::Q4_K;
            }
            return type;
        }
        if (role == Role::FfnGate) {
            // Counted as in llama.cpp; only IQ3 mixes (not offered here) act on them.
            (void)layer_of(t, i_ffn_gate_++);
        } else if (role == Role::FfnUp) {
            (void)layer_of(t, i_ffn_up_++);
        }
        return type;
    }

    uint32_t ftype_;
    const MixModelInfo& model_;
    int n_layer_ = 0;
    bool is_falcon_ = false;
    bool is_70b_ = false;
    bool tied_embeddings_ = true;  // until an output.weight is seen
    int n_attention_wv_ = 0;
    int i_attention_wv_ = 0;
    int i_ffn_down_ = 0;
    int i_ffn_gate_ = 0;
    int i_ffn_up_ = 0;
};

}  // namespace

const std::vector<QuantPreset>& quant_presets() {
    static const std::vector<QuantPreset> kPresets = {
        {"F16", kF16, TensorType::F16},         {"BF16", kBF16, TensorType::BF16},
        {"Q8_0", kQ8_0, TensorType::Q8_0},      {"Q4_0", kQ4_0, TensorType::Q4_0},
        {"Q4_1", kQ4_1, TensorType::Q4_1},      {"Q5_0", kQ5_0, TensorType::Q5_0},
        {"Q5_1", kQ5_1, TensorType::Q5_1},      {"Q2_K", kQ2_K, TensorType::Q2_K},
        {"Q3_K_S", kQ3_K_S, TensorType::Q3_K},  {"Q3_K_M", kQ3_K_M, TensorType::Q3_K},
        {"Q3_K_L", kQ3_K_L, TensorType::Q3_K},  {"Q4_K_S", kQ4_K_S, TensorType::Q4_K},
        {"Q4_K_M", kQ4_K_M, TensorType::Q4_K},  {"Q5_K_S", kQ5_K_S, TensorType::Q5_K},
        {"Q5_K_M", kQ5_K_M, TensorType::Q5_K},  {"Q6_K", kQ6_K, TensorType::Q6_K},
        {"IQ4_NL", kIQ4_NL, TensorType::IQ4_NL}, {"IQ4_XS", kIQ4_XS, TensorType::IQ4_XS},
    };
    return kPresets;
}

const QuantPreset* find_quant_preset(std::string_view name) {
    for (const QuantPreset& p : quant_presets()) {
        if (p.name.size() != name.size()) continue;
        bool same = true;
        for (size_t i = 0; i < name.size() && same; ++i)
            same = std::toupper(static_cast<unsigned char>(name[i])) == static_cast<unsigned char>(p.name[i]);
        if (same) return &p;
    }
    return nullptr;
}

std::vector<TensorType> choose_tensor_types(const QuantPreset& preset, const MixModelInfo& model,
                                            const std::vector<MixTensor>& tensors) {
    MixChooser chooser(preset, model, tensors);
    std::vector<TensorType> types;
    types.reserve(tensors.size());
    for (const MixTensor& t : tensors) types.push_back(chooser.choose(t, preset.main_type));
    return types;
}

std::vector<size_t> llama_tensor_order(const std::vector<std::string>& names) {
    auto layer_of = [](const std::string& name) {
        int layer = -1;
        if (std::sscanf(name.c_str(), "blk.%d.", &layer) != 1) layer = -1;
        return layer;
    };
    std::vector<size_t> order(names.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        const int la = layer_of(names[a]), lb = layer_of(names[b]);
        if (la != lb) return la < lb;
        return names[a] < names[b];
    });
    return order;
}

}  // namespace chord
