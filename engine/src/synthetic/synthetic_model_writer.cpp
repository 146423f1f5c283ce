// Writes a synthetic llama GGUF: make_model.py's metadata keys in its order, then the tensors, streamed
// chunk by chunk (rows generated, encoded, written) so memory stays small whatever the model's size.
#include <algorithm>
#include <exception>
#include <thread>

#include <fmt/format.h>

#include "chord/error.h"
#include "chord/gguf.h"
#include "chord/quantize.h"
#include "chord/synthetic_model.h"
#include "synthetic/weight_source.h"

namespace chord {

namespace {

// llama_ftype (general.file_type) for the matrices' type; K-quants as their "_S" mix, the closest whole-file label.
uint32_t llama_file_type(TensorType t) {
    switch (t) {
        case TensorType::F32: return 0;
        case TensorType::F16: return 1;
        case TensorType::Q4_0: return 2;
        case TensorType::Q4_1: return 3;
        case TensorType::Q8_0: return 7;
        case TensorType::Q5_0: return 8;
        case TensorType::Q5_1: return 9;
        case TensorType::Q4_K: return 14;
        case TensorType::Q5_K: return 16;
        case TensorType::Q6_K: return 18;
        case TensorType::BF16: return 32;
        default:
            throw Error(ErrorKind::Unsupported,
                        fmt::format("synthetic models cannot be written as {}", tensor_type_name(t)));
    }
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return out;
}

void set_metadata(GgufStreamWriter& w, const SyntheticModelSpec& s) {
    const SyntheticVocab vocab = synthetic_vocab(s.n_vocab);
    const std::string name = !s.name.empty() ? s.name
                                              : fmt::format("synthetic-llama-{}L-{}d-{}", s.n_layer, s.n_embd,
                                                            lower(tensor_type_name(s.weight_type)));
    const auto u32 = [](int v) { return static_cast<uint32_t>(v); };
    w.set_string("general.architecture", "llama");
    w.set_string("general.name", name);
    w.set_alignment(32);
    w.set_u32("general.file_type", llama_file_type(s.weight_type));
    w.set_u32("general.quantization_version", 2);
    w.set_u32("llama.vocab_size", u32(s.n_vocab));
    w.set_u32("llama.context_length", u32(s.n_ctx));
    w.set_u32("llama.embedding_length", u32(s.n_embd));
    w.set_u32("llama.block_count", u32(s.n_layer));
    w.set_u32("llama.feed_forward_length", u32(s.n_ff));
    w.set_u32("llama.attention.head_count", u32(s.n_head));
    w.set_u32("llama.attention.head_count_kv", u32(s.n_head_kv));
    w.set_u32("llama.rope.dimension_count", u32(s.n_embd / s.n_head));
    w.set_f32("llama.rope.freq_base", s.rope_freq_base);
    w.set_f32("llama.attention.layer_norm_rms_epsilon", s.rms_eps);
    w.set_string("tokenizer.ggml.model", "llama");
    w.set_string_array("tokenizer.ggml.tokens", vocab.tokens);
    w.set_f32_array("tokenizer.ggml.scores", vocab.scores);
    w.set_i32_array("tokenizer.ggml.token_type", vocab.token_types);
    w.set_u32("tokenizer.ggml.bos_token_id", 1);
    w.set_u32("tokenizer.ggml.eos_token_id", 2);
    w.set_u32("tokenizer.ggml.unknown_token_id", 0);
    w.set_bool("tokenizer.ggml.add_bos_token", true);
    w.set_bool("tokenizer.ggml.add_eos_token", false);
    // Provenance: enough to regenerate the source weights (see chord/synthetic_model.h).
    w.set_string("chord.synthetic.generator", "splitmix64 + Irwin-Hall(4), chord/synthetic_model.h v1");
    w.set_u64("chord.synthetic.seed", s.seed);
    w.set_f32("chord.synthetic.stddev", s.stddev);
}

// Generates and encodes rows [row0, row0 + n_rows) of a tensor into out (n_rows encoded rows).
void encode_rows(const SyntheticModelSpec& s, size_t t, const SyntheticTensor& info, int64_t row0, int64_t n_rows,
                 uint8_t* out) {
    const auto n = static_cast<size_t>(info.ne[0]);
    const size_t rb = row_bytes(info.type, info.ne[0]);
    std::vector<float> row(n);  // [ne0]
    for (int64_t r = 0; r < n_rows; ++r) {
        fill_weight_row(s.seed, s.stddev, t, row0 + r, info.is_norm, row);
        encode_row(info.type, row, std::span<uint8_t>(out + static_cast<size_t>(r) * rb, rb));
    }
}

}  // namespace

void write_synthetic_model(const SyntheticModelSpec& spec, const std::string& path, int n_threads,
                           const std::function<void(uint64_t, uint64_t)>& progress) {
    spec.validate();
    const std::vector<SyntheticTensor> plan = synthetic_tensor_plan(spec);
    GgufStreamWriter w;
    set_metadata(w, spec);
    for (const SyntheticTensor& t : plan) w.add_tensor_info(t.name, t.type, t.ne);
    const uint64_t total = w.total_bytes();
    w.begin(path);

    const int threads = std::max(1, n_threads);
    constexpr size_t kChunkSourceBytes = size_t{16} << 20;  // F32 rows generated per write
    std::vector<uint8_t> chunk;
    uint64_t done = 0;
    for (size_t t = 0; t < plan.size(); ++t) {
        const SyntheticTensor& info = plan[t];
        int64_t n_rows = 1;
        for (size_t d = 1; d < info.ne.size(); ++d) n_rows *= info.ne[d];
        const size_t rb = row_bytes(info.type, info.ne[0]);
        const int64_t rows_per_chunk =
            std::max<int64_t>(1, static_cast<int64_t>(kChunkSourceBytes / (sizeof(float) * static_cast<size_t>(info.ne[0]))));
        for (int64_t r0 = 0; r0 < n_rows; r0 += rows_per_chunk) {
            const int64_t rows = std::min(rows_per_chunk, n_rows - r0);
            chunk.resize(static_cast<size_t>(rows) * rb);
            const int64_t parts = std::min<int64_t>(threads, rows);
            if (parts <= 1) {
                encode_rows(spec, t, info, r0, rows, chunk.data());
            } else {
                // Contiguous row ranges per thread; each writes its own part of the chunk.
                std::vector<std::thread> workers;
                std::vector<std::exception_ptr> errors(static_cast<size_t>(parts));
                for (int64_t p = 0; p < parts; ++p) {
                    const int64_t a = rows * p / parts, b = rows * (p + 1) / parts;
                    workers.emplace_back([&, p, a, b] {
                        try {
                            encode_rows(spec, t, info, r0 + a, b - a, chunk.data() + static_cast<size_t>(a) * rb);
                        } catch (...) {
                            errors[static_cast<size_t>(p)] = std::current_exception();
                        }
                    });
                }
                for (std::thread& th : workers) th.join();
                for (const std::exception_ptr& e : errors)
                    if (e) std::rethrow_exception(e);
            }
            w.write_tensor_data(chunk);
            done += chunk.size();
        }
        if (progress) progress(done, total);
    }
    w.finish();
}

}  // namespace chord
