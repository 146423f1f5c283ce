#pragma once
// A loaded model: the GGUF mapping, hyperparameters, weights (views into the mapping) and tokenizer.
// Immutable after load, so several sessions may share one.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "chord/tensor_type.h"
#include "chord/tokenizer.h"

namespace chord {

class GgufFile;
struct ModelWeights;
struct HyperParams;

struct LoadOptions {
    // Called with progress in [0, 1]; return false to cancel (load throws Error{Cancelled}).
    std::function<bool(float)> progress;
    // Refuse, before mapping, a file larger than the memory available (MemAvailable), with a message
    // saying so (Error{OutOfMemory}). CHORD_SKIP_MEMORY_CHECK=1 in the environment also turns it off.
    bool check_memory = true;
    uint64_t extra_memory_bytes = 0;  // what the caller will allocate besides the weights (KV cache), checked too
};

struct ModelInfo {
    std::string path;
    std::string name;          // general.name, or the file name
    std::string architecture;  // general.architecture
    std::string file_type;     // most common weight type, e.g. "Q4_0"
    uint64_t n_params = 0;
    uint64_t file_bytes = 0;
    int context_length = 0;    // trained context
    int n_vocab = 0, n_embd = 0, n_layer = 0, n_head = 0, n_head_kv = 0, head_dim = 0, n_ff = 0;
    std::string chat_template; // tokenizer.chat_template, empty when absent
};

class Model {
public:
    // Throws chord::Error with a message naming the file and the problem.
    static std::shared_ptr<Model> load(const std::string& path, const LoadOptions& options = {});
    ~Model();

    const ModelInfo& info() const { return info_; }
    const Tokenizer& tokenizer() const { return *tokenizer_; }
    const HyperParams& hparams() const { return *hparams_; }
    const ModelWeights& weights() const { return *weights_; }
    const GgufFile& gguf() const { return *file_; }
    uint64_t mapped_bytes() const;  // bytes of the file mapping
    uint64_t weight_bytes() const;  // bytes of all weights (mapped or repacked)
    // Memory a session needs for its KV cache at n_ctx positions.
    uint64_t kv_cache_bytes(int n_ctx, bool f16) const;

private:
    Model() = default;
    ModelInfo info_;
    std::unique_ptr<GgufFile> file_;
    std::unique_ptr<HyperParams> hparams_;
    std::unique_ptr<ModelWeights> weights_;
    std::unique_ptr<Tokenizer> tokenizer_;
};

}  // namespace chord
