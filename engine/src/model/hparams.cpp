#include "model/hparams.h"

#include <cmath>

#include <fmt/format.h>

#include "chord/error.h"
#include "chord/gguf.h"

namespace chord {

namespace {

struct ArchName {
    const char* name;
    Architecture arch;
};

constexpr ArchName kArchitectures[] = {
    {"llama", Architecture::Llama},   {"qwen2", Architecture::Qwen2},   {"qwen3", Architecture::Qwen3},
    {"phi3", Architecture::Phi3},     {"gemma2", Architecture::Gemma2}, {"gemma3", Architecture::Gemma3},
    {"starcoder2", Architecture::Starcoder2}, {"gpt2", Architecture::Gpt2},
};

int required_int(const GgufFile& f, const std::string& key) {
    const auto v = f.get_int(key);
    if (!v) throw Error(ErrorKind::BadFile, fmt::format("{}: metadata key {} is missing", f.path(), key));
    if (*v <= 0 || *v > (1 << 24))
        throw Error(ErrorKind::BadFile, fmt::format("{}: metadata {} = {} is out of range", f.path(), key, *v));
    return static_cast<int>(*v);
}

int optional_int(const GgufFile& f, const std::string& key, int fallback) {
    const auto v = f.get_int(key);
    if (!v) return fallback;
    if (*v <= 0 || *v > (1 << 24))
        throw Error(ErrorKind::BadFile, fmt::format("{}: metadata {} = {} is out of range", f.path(), key, *v));
    return static_cast<int>(*v);
}

float positive_float(const GgufFile& f, const std::string& key, double fallback) {
    const double v = f.get_float(key).value_or(fallback);
    if (!(v > 0.0) || !std::isfinite(v))
        throw Error(ErrorKind::BadFile, fmt::format("{}: metadata {} = {} must be a positive number", f.path(), key, v));
    return static_cast<float>(v);
}

Architecture architecture_of(const GgufFile& f, const std::string& name) {
    for (const ArchName& a : kArchitectures)
        if (name == a.name) return a.arch;
    throw Error(ErrorKind::Unsupported, fmt::format("{}: architecture '{}' is not supported (supported: {})", f.path(),
                                                    name, supported_architectures()));
}

// Sizes common to every architecture: width, depth, heads, head size, FFN width.
void read_shape(const GgufFile& f, const std::string& p, HyperParams& hp) {
    hp.n_embd = required_int(f, p + "embedding_length");
    hp.n_layer = required_int(f, p + "block_count");
    hp.n_head = required_int(f, p + "attention.head_count");
    hp.n_head_kv = optional_int(f, p + "attention.head_count_kv", hp.n_head);
    hp.n_ff = required_int(f, p + "feed_forward_length");
    hp.n_ctx_train = optional_int(f, p + "context_length", 2048);
    if (hp.n_head % hp.n_head_kv != 0)
        throw Error(ErrorKind::BadFile, fmt::format("{}: {} query heads cannot share {} KV heads evenly", f.path(),
                                                    hp.n_head, hp.n_head_kv));
    // head_dim is attention.key_length when present (qwen3, gemma: n_head·head_dim need not be n_embd).
    const auto key_length = f.get_int(p + "attention.key_length");
    if (key_length) {
        hp.head_dim = required_int(f, p + "attention.key_length");
    } else {
        if (hp.n_embd % hp.n_head != 0)
            throw Error(ErrorKind::BadFile, fmt::format("{}: embedding length {} is not a multiple of {} heads",
                                                        f.path(), hp.n_embd, hp.n_head));
        hp.head_dim = hp.n_embd / hp.n_head;
    }
    const int value_length = optional_int(f, p + "attention.value_length", hp.head_dim);
    if (value_length != hp.head_dim)
        throw Error(ErrorKind::Unsupported, fmt::format("{}: key length {} differs from value length {}, which Chord "
                                                        "does not support",
                                                        f.path(), hp.head_dim, value_length));
    if (hp.head_dim > 1024)
        throw Error(ErrorKind::Unsupported, fmt::format("{}: head size {} is larger than Chord supports (1024)", f.path(),
                                                        hp.head_dim));
}

// RoPE: rotated dimensions, base, and linear scaling (the only kind llama.cpp applies without YaRN).
void read_rope(const GgufFile& f, const std::string& p, HyperParams& hp) {
    hp.n_rot = optional_int(f, p + "rope.dimension_count", hp.head_dim);
    if (hp.n_rot > hp.head_dim || hp.n_rot % 2 != 0)
        throw Error(ErrorKind::BadFile, fmt::format("{}: rope.dimension_count {} does not fit head size {}", f.path(),
                                                    hp.n_rot, hp.head_dim));
    hp.rope_freq_base = positive_float(f, p + "rope.freq_base", 10000.0);
    const std::string type = f.get_string(p + "rope.scaling.type").value_or("");
    if (type == "yarn" || type == "longrope")
        throw Error(ErrorKind::Unsupported, fmt::format("{}: RoPE scaling '{}' is not supported yet (linear is)",
                                                        f.path(), type));
    if (type == "none") return;
    if (const auto factor = f.get_float(p + "rope.scaling.factor"); factor && *factor > 0.0)
        hp.rope_freq_scale = static_cast<float>(1.0 / *factor);
}

// What llama.cpp's loader and graph do differently per architecture (models/arch/README.md).
void apply_architecture(const GgufFile& f, const std::string& p, HyperParams& hp) {
    const auto rms_eps = [&] { hp.norm_eps = positive_float(f, p + "attention.layer_norm_rms_epsilon", 1e-5); };
    const auto layer_norm = [&] {
        hp.norm = NormKind::Layer;
        hp.norm_eps = positive_float(f, p + "attention.layer_norm_epsilon", 1e-5);
    };
    const auto gemma_query_scale = [&](int layers_of_27b) {
        // llama.cpp scales the 27B models' queries by 1/sqrt(n_embd / n_head), every other size by 1/sqrt(head_dim).
        const int d = hp.n_layer == layers_of_27b ? hp.n_embd / hp.n_head : hp.head_dim;
        hp.q_scale = 1.0f / std::sqrt(static_cast<float>(d));
    };
    switch (hp.architecture) {
        case Architecture::Llama:  // Mistral files too; like llama.cpp, sliding_window is ignored here.
            rms_eps();
            hp.rope_style = RopeStyle::Normal;
            break;
        case Architecture::Qwen2:
            rms_eps();
            hp.rope_style = RopeStyle::Neox;
            break;
        case Architecture::Qwen3:
            rms_eps();
            hp.rope_style = RopeStyle::Neox;
            hp.qk_norm = true;
            break;
        case Architecture::Phi3:  // reads sliding_window in llama.cpp, but SWA is switched off there
            rms_eps();
            hp.rope_style = RopeStyle::Neox;
            hp.q_scale = 1.0f / std::sqrt(static_cast<float>(hp.head_dim));
            break;
        case Architecture::Gemma2:
            rms_eps();
            hp.rope_style = RopeStyle::Neox;
            hp.ffn = FfnKind::GeGlu;
            hp.scale_embedding = hp.post_norms = true;
            gemma_query_scale(46);
            hp.attn_softcap = positive_float(f, p + "attn_logit_softcapping", 50.0);
            hp.final_softcap = positive_float(f, p + "final_logit_softcapping", 30.0);
            hp.sliding_window = optional_int(f, p + "attention.sliding_window", 4096);
            hp.swa_period = 2;  // even layers are local
            break;
        case Architecture::Gemma3:
            rms_eps();
            hp.rope_style = RopeStyle::Neox;
            hp.ffn = FfnKind::GeGlu;
            hp.scale_embedding = hp.post_norms = hp.qk_norm = true;
            gemma_query_scale(62);
            hp.sliding_window = required_int(f, p + "attention.sliding_window");
            hp.swa_period = 6;  // five local layers, then one global
            hp.local_rope_override = true;
            hp.local_rope = {10000.0f, 1.0f};
            break;
        case Architecture::Starcoder2:
            layer_norm();
            hp.rope_style = RopeStyle::Neox;
            hp.ffn = FfnKind::Gelu;
            break;
        case Architecture::Gpt2:
            layer_norm();
            hp.ffn = FfnKind::Gelu;
            hp.learned_positions = true;
            hp.n_rot = 0;
            break;
    }
}

}  // namespace

const char* supported_architectures() { return "llama, qwen2, qwen3, phi3, gemma2, gemma3, starcoder2, gpt2"; }

HyperParams HyperParams::from_gguf(const GgufFile& f) {
    HyperParams hp;
    const auto arch = f.get_string("general.architecture");
    if (!arch) throw Error(ErrorKind::BadFile, f.path() + ": general.architecture is missing");
    hp.arch = *arch;
    hp.architecture = architecture_of(f, hp.arch);
    const std::string p = hp.arch + ".";
    read_shape(f, p, hp);
    if (hp.architecture != Architecture::Gpt2) read_rope(f, p, hp);
    apply_architecture(f, p, hp);
    return hp;
}

}  // namespace chord
