#pragma once
// Hyperparameters of a transformer, read from GGUF metadata ("<arch>.embedding_length" …), and the
// per-architecture choices llama.cpp makes for each `general.architecture` (norm, RoPE style, FFN,
// attention scaling, soft-capping, sliding-window layers).
#include <string>

namespace chord {

class GgufFile;

enum class Architecture { Llama, Qwen2, Qwen3, Phi3, Gemma2, Gemma3, Starcoder2, Gpt2 };

// "llama, qwen2, …": the names Chord accepts in general.architecture.
const char* supported_architectures();

enum class RopeStyle {
    Normal,  // rotate adjacent pairs (x[2i], x[2i+1]): llama
    Neox,    // rotate halves (x[i], x[i + n_rot/2]): qwen2, phi3, gemma…
};

enum class NormKind {
    Rms,    // x / sqrt(mean(x²) + eps) · w
    Layer,  // (x − mean) / sqrt(var + eps) · w + b   (starcoder2, gpt2)
};

enum class FfnKind {
    SwiGlu,  // down(silu(gate·x) ⊙ up·x)
    GeGlu,   // down(gelu(gate·x) ⊙ up·x)       (gemma)
    Gelu,    // down(gelu(up·x + b) ) + b       (starcoder2, gpt2: no gate)
};

// RoPE of one layer: gemma3's local layers use their own base and scale.
struct LayerRope {
    float freq_base = 10000.0f;
    float freq_scale = 1.0f;
};

struct HyperParams {
    std::string arch;
    Architecture architecture = Architecture::Llama;
    int n_vocab = 0;
    int n_ctx_train = 0;
    int n_embd = 0;      // model width (dim)
    int n_layer = 0;
    int n_head = 0;
    int n_head_kv = 0;
    int head_dim = 0;    // per head: attention.key_length, else n_embd / n_head
    int n_ff = 0;        // feed-forward hidden width
    int n_rot = 0;       // rotated dimensions per head (rope.dimension_count); 0: no RoPE (gpt2)
    float rope_freq_base = 10000.0f;
    float rope_freq_scale = 1.0f;  // 1 / rope.scaling.factor for linear scaling
    RopeStyle rope_style = RopeStyle::Normal;

    NormKind norm = NormKind::Rms;
    float norm_eps = 1e-5f;        // layer_norm_rms_epsilon or layer_norm_epsilon, per `norm`
    FfnKind ffn = FfnKind::SwiGlu;
    bool learned_positions = false;    // gpt2: position_embd rows are added to the input
    bool scale_embedding = false;      // gemma: input embedding × sqrt(n_embd)
    bool post_norms = false;           // gemma: RMSNorm on the attention and FFN outputs
    bool qk_norm = false;              // qwen3, gemma3: per-head RMSNorm of Q and K before RoPE

    // Attention scaling: when q_scale > 0, Q is multiplied by it before Q·Kᵀ and the softmax scale is 1
    // (phi3, gemma); otherwise the softmax applies 1/sqrt(head_dim) (llama.cpp's kq_scale).
    float q_scale = 0.0f;
    float attn_softcap = 0.0f;     // > 0: scores = cap · tanh(scores / cap)   (gemma2)
    float final_softcap = 0.0f;    // > 0: logits = cap · tanh(logits / cap)   (gemma2)

    // Sliding-window layers: with swa_period p > 0, layer l is local when l % p < p − 1 and attends to
    // the sliding_window most recent positions (itself included).
    int sliding_window = 0;
    int swa_period = 0;
    bool local_rope_override = false;  // gemma3: local layers use RoPE base 10000, scale 1
    LayerRope local_rope;

    int q_dim() const { return n_head * head_dim; }
    int kv_dim() const { return n_head_kv * head_dim; }
    bool is_local_layer(int layer) const {
        return swa_period > 0 && sliding_window > 0 && layer % swa_period < swa_period - 1;
    }
    int attention_window(int layer) const { return is_local_layer(layer) ? sliding_window : 0; }
    LayerRope rope_for_layer(int layer) const {
        if (local_rope_override && is_local_layer(layer)) return local_rope;
        return {rope_freq_base, rope_freq_scale};
    }

    static HyperParams from_gguf(const GgufFile& file);  // throws chord::Error
};

}  // namespace chord
