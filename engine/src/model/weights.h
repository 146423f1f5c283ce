#pragma once
// Weights as views into the GGUF mapping. Shapes in math order: a matrix W maps n_in → n_out and is
// stored as n_out rows of n_in elements (GGUF ne = [n_in, n_out]).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "chord/tensor_type.h"
#include "quant/quant.h"
#include "quant/row_layout.h"

namespace chord {

class GgufFile;
struct HyperParams;

struct WeightMatrix {
    std::string name;
    TensorType type = TensorType::F32;
    const QuantFormat* format = nullptr;
    const uint8_t* data = nullptr;
    int64_t n_in = 0;      // row length
    int64_t n_out = 0;     // rows
    size_t row_bytes = 0;
    RowLayout layout = RowLayout::RowMajor;  // repacked at load for the kernel table (quant/row_layout.h)

    // Row-major matrices only (an interleaved one has no contiguous rows).
    const uint8_t* row(int64_t r) const { return data + static_cast<size_t>(r) * row_bytes; }
    size_t bytes() const { return row_bytes * static_cast<size_t>(n_out); }
    explicit operator bool() const { return data != nullptr; }
};

// A 1-D float vector (norm weights, biases); always F32 in GGUF files made by llama.cpp.
struct WeightVector {
    const float* data = nullptr;
    int64_t n = 0;
    explicit operator bool() const { return data != nullptr; }
};

// Rows [first, first + n) of a matrix: the Q | K | V parts of a fused attn_qkv, the gate | up halves of
// phi3's fused ffn_up. Every output row is its own dot product, so the parts compute exactly as the whole.
WeightMatrix row_range(const WeightMatrix& m, int64_t first, int64_t n);
WeightVector element_range(const WeightVector& v, int64_t first, int64_t n);

// Optional parts are null (operator bool false) when the architecture has none.
struct LayerWeights {
    WeightVector attn_norm;   // (n_embd)
    WeightVector attn_norm_b; // (n_embd) LayerNorm bias
    WeightMatrix wq;          // (n_embd → n_head·head_dim)
    WeightMatrix wk;          // (n_embd → n_head_kv·head_dim)
    WeightMatrix wv;          // (n_embd → n_head_kv·head_dim)
    WeightVector bq, bk, bv;  // (n_head·head_dim), (n_head_kv·head_dim) ×2
    WeightVector q_norm;      // (head_dim) shared by every query head (qwen3, gemma3)
    WeightVector k_norm;      // (head_dim)
    WeightMatrix wo;          // (n_head·head_dim → n_embd)
    WeightVector bo;          // (n_embd)
    WeightVector post_attn_norm;  // (n_embd) gemma
    WeightVector ffn_norm;    // (n_embd)
    WeightVector ffn_norm_b;  // (n_embd)
    WeightMatrix w_gate;      // (n_embd → n_ff); null for an ungated GELU MLP
    WeightMatrix w_up;        // (n_embd → n_ff)
    WeightVector b_up;        // (n_ff)
    WeightMatrix w_down;      // (n_ff → n_embd)
    WeightVector b_down;      // (n_embd)
    WeightVector post_ffn_norm;   // (n_embd) gemma
};

struct ModelWeights {
    WeightMatrix token_embd;  // (n_vocab rows of n_embd)
    WeightMatrix position_embd;  // (n_ctx_train rows of n_embd) gpt2's learned positions
    std::vector<LayerWeights> layers;
    WeightVector output_norm; // (n_embd)
    WeightVector output_norm_b;  // (n_embd) LayerNorm bias
    WeightMatrix output;      // (n_embd → n_vocab); token_embd when tied
    WeightVector rope_freqs;  // (n_rot/2) per-pair frequency divisors (Llama 3.1+ files), else null

    // Storage of the matrices repacked at load (model/weight_repack.h); empty when none was.
    std::shared_ptr<const uint8_t> repacked;

    static ModelWeights bind(const GgufFile& file, const HyperParams& hp);  // throws chord::Error
    uint64_t total_bytes() const;
};

}  // namespace chord
