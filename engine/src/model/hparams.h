#pragma once
// Hyperparameters of a transformer, read from GGUF metadata ("<arch>.embedding_length" …).
#include <string>

namespace chord {

class GgufFile;

enum class RopeStyle {
    Normal,  // rotate adjacent pairs (x[2i], x[2i+1]): llama
    Neox,    // rotate halves (x[i], x[i + n_rot/2]): qwen2, phi3, gemma…
};

struct HyperParams {
    std::string arch;
    int n_vocab = 0;
    int n_ctx_train = 0;
    int n_embd = 0;      // model width (dim)
    int n_layer = 0;
    int n_head = 0;
    int n_head_kv = 0;
    int head_dim = 0;    // per head: n_embd / n_head unless the file says otherwise
    int n_ff = 0;        // feed-forward hidden width
    int n_rot = 0;       // rotated dimensions per head (rope.dimension_count)
    float rope_freq_base = 10000.0f;
    float rope_freq_scale = 1.0f;
    float rms_eps = 1e-5f;
    RopeStyle rope_style = RopeStyle::Normal;

    int q_dim() const { return n_head * head_dim; }
    int kv_dim() const { return n_head_kv * head_dim; }

    static HyperParams from_gguf(const GgufFile& file);  // throws chord::Error
};

}  // namespace chord
