#include "model/hparams.h"

#include <fmt/format.h>

#include "chord/error.h"
#include "chord/gguf.h"

namespace chord {

namespace {

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

}  // namespace

HyperParams HyperParams::from_gguf(const GgufFile& f) {
    HyperParams hp;
    const auto arch = f.get_string("general.architecture");
    if (!arch) throw Error(ErrorKind::BadFile, f.path() + ": general.architecture is missing");
    hp.arch = *arch;
    if (hp.arch != "llama")
        throw Error(ErrorKind::Unsupported, f.path() + ": model architecture '" + hp.arch + "' is not supported");
    const std::string p = hp.arch + ".";
    hp.n_embd = required_int(f, p + "embedding_length");
    hp.n_layer = required_int(f, p + "block_count");
    hp.n_head = required_int(f, p + "attention.head_count");
    hp.n_head_kv = optional_int(f, p + "attention.head_count_kv", hp.n_head);
    hp.n_ff = required_int(f, p + "feed_forward_length");
    hp.n_ctx_train = optional_int(f, p + "context_length", 2048);
    if (hp.n_embd % hp.n_head != 0)
        throw Error(ErrorKind::BadFile, fmt::format("{}: embedding length {} is not a multiple of {} heads", f.path(),
                                                    hp.n_embd, hp.n_head));
    hp.head_dim = optional_int(f, p + "attention.key_length", hp.n_embd / hp.n_head);
    if (hp.n_head % hp.n_head_kv != 0)
        throw Error(ErrorKind::BadFile, fmt::format("{}: {} query heads cannot share {} KV heads evenly", f.path(),
                                                    hp.n_head, hp.n_head_kv));
    if (hp.head_dim > 1024)
        throw Error(ErrorKind::Unsupported, fmt::format("{}: head size {} is larger than Chord supports (1024)", f.path(),
                                                        hp.head_dim));
    hp.n_rot = optional_int(f, p + "rope.dimension_count", hp.head_dim);
    if (hp.n_rot > hp.head_dim || hp.n_rot % 2 != 0)
        throw Error(ErrorKind::BadFile, fmt::format("{}: rope.dimension_count {} does not fit head size {}", f.path(),
                                                    hp.n_rot, hp.head_dim));
    hp.rope_freq_base = static_cast<float>(f.get_float(p + "rope.freq_base").value_or(10000.0));
    if (const auto scale = f.get_float(p + "rope.scaling.factor"); scale && *scale > 0.0)
        hp.rope_freq_scale = static_cast<float>(1.0 / *scale);
    hp.rms_eps = static_cast<float>(f.get_float(p + "attention.layer_norm_rms_epsilon").value_or(1e-5));
    hp.rope_style = RopeStyle::Normal;
    return hp;
}

}  // namespace chord
