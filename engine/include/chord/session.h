#pragma once
// A session: one conversation's state on a model — KV cache, scratch buffers, thread pool.
// decode() appends tokens at the current position and returns logits; the attention backend can be
// switched between calls without reloading anything.
#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "chord/tokenizer.h"

namespace chord {

class Model;

enum class AttentionBackend { Flash, Standard };
enum class KvType { F32, F16 };
const char* attention_backend_name(AttentionBackend b);  // "flash" / "standard"
const char* kv_type_name(KvType t);                      // "f32" / "f16"

struct SessionOptions {
    int n_ctx = 0;        // 0: the model's trained context, capped at 4096
    int n_threads = 0;    // 0: all hardware threads
    int n_batch = 512;    // prompt tokens per forward pass
    AttentionBackend attention = AttentionBackend::Flash;
    KvType kv_type = KvType::F16;
};

struct MemoryReport {
    uint64_t model_mapped_bytes = 0;
    uint64_t weight_bytes = 0;
    uint64_t kv_cache_bytes = 0;
    uint64_t scratch_bytes = 0;         // activations + logits buffers
    uint64_t attention_scratch_bytes = 0;  // counted peak of the attention backend's allocations
};

class Session {
public:
    Session(std::shared_ptr<const Model> model, SessionOptions options = {});
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    // Runs tokens at positions n_past() … and returns the logits [n_vocab] of the last one.
    // With all_logits, logits() afterwards holds [tokens.size()][n_vocab].
    // Throws Error{ContextOverflow} when the tokens do not fit, Error{Cancelled} when *cancel turns true
    // (checked between batches and layers); the cache then holds what was completed.
    std::span<const float> decode(std::span<const TokenId> tokens, const std::atomic<bool>* cancel = nullptr,
                                  bool all_logits = false);
    std::span<const float> logits() const;

    int n_past() const;
    int n_ctx() const;
    void truncate(int n_keep);  // forget positions >= n_keep
    // Drops positions [n_keep, n_keep + n_discard) and moves the rest down, re-rotating K (context shift).
    void shift(int n_keep, int n_discard);

    void set_attention(AttentionBackend backend);  // takes effect at the next decode
    AttentionBackend attention() const;
    KvType kv_type() const;
    int n_threads() const;

    MemoryReport memory() const;
    const Model& model() const { return *model_; }
    std::shared_ptr<const Model> model_ptr() const { return model_; }

    // Internal state (KV cache, buffers, pool); public so the engine's own files can reach it.
    struct State;
    State& state() { return *state_; }

private:
    std::shared_ptr<const Model> model_;
    std::unique_ptr<State> state_;
};

}  // namespace chord
