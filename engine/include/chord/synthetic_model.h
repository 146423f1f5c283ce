#pragma once
// Synthetic llama models: real shapes and a real tokenizer, seeded random weights. For benchmarks and tests
// (chord-mkmodel writes them; llama.cpp loads them too). Same spec and seed → the same bytes, on any machine.
//
// Layout and metadata follow ../shared/ref/make_model.py (the llama.cpp side's generator), so both tools
// write the same tensors, vocabulary and keys; only the random source differs:
//
//   weight (tensor t, row r, column i)   t = index in the file's tensor order, r = row (ne[1], ne[2] …)
//     row_key = mix64(mix64(mix64(seed) ^ (t + 1)) ^ (r + 1))
//     u       = mix64(row_key + (i + 1) · 0x9E3779B97F4A7C15)
//     s       = u[0:16] + u[16:32] + u[32:48] + u[48:64]          (Irwin–Hall: sum of four 16-bit uniforms)
//     w       = float(s − 131070) · float(stddev / sqrt(4 · (65536² − 1) / 12))
//   mix64 is SplitMix64's finalizer: z ^= z >> 30; z *= 0xBF58476D1CE4E5B9; z ^= z >> 27;
//                                    z *= 0x94D049BB133111EB; z ^= z >> 31.
//   Only integer arithmetic and one float multiply: bit-identical everywhere. The weights are
//   approximately normal(0, stddev), bounded at ±3.46·stddev. Norm weights (1-D tensors) are 1.0.
//   A tensor stored as F16/Q8_0/Q4_0 holds these F32 values encoded by the engine's reference encoders,
//   so files of different types hold the same underlying weights.
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "chord/tensor_type.h"

namespace chord {

struct SyntheticModelSpec {
    int n_layer = 22;
    int n_embd = 2048;
    int n_ff = 5632;
    int n_head = 32;
    int n_head_kv = 4;
    int n_vocab = 32000;
    int n_ctx = 2048;                             // llama.context_length
    TensorType weight_type = TensorType::F32;     // the 2-D matrices
    std::optional<TensorType> embd_type;          // token_embd.weight; default weight_type
    std::optional<TensorType> output_type;        // output.weight; default weight_type
    uint64_t seed = 1234;
    float stddev = 0.02f;
    float rope_freq_base = 10000.0f;
    float rms_eps = 1e-5f;
    std::string name;                             // general.name; default "synthetic-llama-<L>L-<D>d-<type>"

    // Throws Error{InvalidArgument} naming the first inconsistent field.
    void validate() const;
};

// Presets: "tinyllama-1.1b" (22 layers, dim 2048, ffn 5632, 32 heads, 4 KV heads, vocab 32000, ctx 2048),
// "tiny" (4, 256, 768, 8, 2, 32000 — make_model.py's --tiny), "micro" (2, 64, 128, 4, 2, 512; unit tests).
std::optional<SyntheticModelSpec> synthetic_preset(std::string_view name);
std::vector<std::string> synthetic_preset_names();

struct SyntheticTensor {
    std::string name;
    std::vector<int64_t> ne;  // GGUF order: ne[0] is the row length
    TensorType type;
    bool is_norm;             // 1-D, all ones, always F32
};
// The tensors in file order (the index in this list is t in the formula above).
std::vector<SyntheticTensor> synthetic_tensor_plan(const SyntheticModelSpec& spec);

// Row r of tensor t as F32 (before any encoding); out.size() must be the tensor's ne[0].
void synthetic_weight_row(const SyntheticModelSpec& spec, size_t tensor_index, int64_t row, std::span<float> out);

// SentencePiece-style vocabulary: <unk>, <s>, </s>, byte tokens <0x00>…<0xFF>, then printable pieces
// ("▁", single ASCII characters with and without "▁", then lowercase n-grams), scores falling with rank.
// The same list make_model.py writes. n_vocab must be at least 300.
struct SyntheticVocab {
    std::vector<std::string> tokens;
    std::vector<float> scores;
    std::vector<int32_t> token_types;  // llama_token_type: 1 normal, 2 unknown, 3 control, 6 byte
};
SyntheticVocab synthetic_vocab(int n_vocab);

// Writes the model as GGUF v3, streaming (memory use is a few rows, not the file).
// progress(done_bytes, total_bytes) is called after each tensor. n_threads > 1 encodes rows in parallel.
void write_synthetic_model(const SyntheticModelSpec& spec, const std::string& path, int n_threads = 1,
                           const std::function<void(uint64_t, uint64_t)>& progress = {});

}  // namespace chord
