#pragma once
// Generation on a Session: prompt processing, then sample → decode one token at a time, streaming text
// as it is produced. Stops at an end-of-generation token, a stop string, max_tokens, or cancellation.
#include <atomic>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "chord/sampler.h"
#include "chord/session.h"

namespace chord {

enum class StopReason { EndOfGeneration, StopString, MaxTokens, Cancelled, ContextFull };
const char* stop_reason_name(StopReason r);

struct GenerationParams {
    int max_tokens = 512;
    SamplerParams sampling;
    std::vector<std::string> stop_strings;   // never split across tokens in the streamed text
    std::vector<TokenId> forced_tokens;      // teacher forcing: follow these instead of sampling
    int top_logits = 0;                      // record each step's top-K (token, logit) pairs
    bool stop_at_eog = true;
};

struct GenerationStats {
    int prompt_tokens = 0;       // tokens actually processed for the prompt (after any KV reuse)
    int generated_tokens = 0;
    double prompt_seconds = 0.0;
    double generation_seconds = 0.0;
    double time_to_first_token = 0.0;  // seconds from start to the first generated token
    StopReason stop_reason = StopReason::MaxTokens;
    double prompt_tokens_per_second() const { return prompt_seconds > 0 ? prompt_tokens / prompt_seconds : 0.0; }
    double generation_tokens_per_second() const {
        // The first token comes from the prompt pass; rate counts the decode steps after it.
        return generation_seconds > 0 && generated_tokens > 1 ? (generated_tokens - 1) / generation_seconds : 0.0;
    }
};

struct GenerationResult {
    std::vector<TokenId> tokens;   // generated ids (the stop string's tokens included; text is cut)
    std::string text;              // streamed text, stop string removed
    std::vector<std::vector<std::pair<TokenId, float>>> top_logits;  // per step, when requested
    GenerationStats stats;
};

// Receives text as it becomes final (complete UTF-8, not part of a possible stop string).
// Return false to stop.
using TokenCallback = std::function<bool(std::string_view text, TokenId id)>;

// What a caller that keeps its own record of the cache (ChatSession) plugs into the one generation loop.
struct GenerationHooks {
    std::span<const TokenId> history;  // tokens before the prompt that repetition penalties see
    // The context is full and another token is to be decoded: make room (e.g. shift the cache) and
    // return true, or return false to stop with ContextFull. Unset: stop.
    std::function<bool()> on_context_full;
    std::function<void(TokenId)> on_decoded;  // a generated token is now in the cache
};

class Generator {
public:
    explicit Generator(Session& session) : session_(session) {}
    // Appends prompt tokens at the session's position (processed in batches, cancellable between
    // them), then samples and decodes one token at a time. With an empty prompt it continues from the
    // session's last logits. A prompt cancelled part way leaves the finished batches in the session.
    GenerationResult generate(std::span<const TokenId> prompt, const GenerationParams& params,
                              const TokenCallback& on_text = {}, const std::atomic<bool>* cancel = nullptr,
                              const GenerationHooks& hooks = {});

private:
    Session& session_;
};

// Helpers the app and tools share.
std::string cpu_backend_name();  // the dispatched SIMD backend by human name: "AVX-512 VNNI", "AVX2+FMA", "NEON", "Scalar"
// Chooses the kernel level: "auto" (best the CPU has), "scalar", "avx2", "avx512", "neon". A level the CPU
// lacks falls back with a warning. Call before loading a model, not while one computes.
void select_simd_level(const std::string& level);
uint64_t process_rss_bytes();    // current resident set (VmRSS)
uint64_t process_peak_rss_bytes();  // VmHWM

}  // namespace chord
