#include "chord/generator.h"

#include <algorithm>
#include <chrono>

#include "chord/error.h"
#include "chord/model.h"
#include "runtime/stop_strings.h"

namespace chord {

const char* stop_reason_name(StopReason r) {
    switch (r) {
        case StopReason::EndOfGeneration: return "eog";
        case StopReason::StopString: return "stop_string";
        case StopReason::MaxTokens: return "max_tokens";
        case StopReason::Cancelled: return "cancelled";
        case StopReason::ContextFull: return "context_full";
    }
    return "unknown";
}

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::vector<std::pair<TokenId, float>> top_k(std::span<const float> logits, int k) {
    std::vector<std::pair<TokenId, float>> all(logits.size());
    for (size_t i = 0; i < logits.size(); ++i) all[i] = {static_cast<TokenId>(i), logits[i]};
    const size_t n = std::min(all.size(), static_cast<size_t>(k));
    std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n), all.end(),
                      [](const auto& a, const auto& b) { return a.second > b.second || (a.second == b.second && a.first < b.first); });
    all.resize(n);
    return all;
}

}  // namespace

GenerationResult Generator::generate(std::span<const TokenId> prompt, const GenerationParams& params,
                                     const TokenCallback& on_text, const std::atomic<bool>* cancel,
                                     const GenerationHooks& hooks) {
    GenerationResult result;
    GenerationStats& stats = result.stats;
    const Tokenizer& tok = session_.model().tokenizer();
    Sampler sampler(params.sampling);
    for (TokenId t : hooks.history) sampler.accept(t);
    for (TokenId t : prompt) sampler.accept(t);
    StreamingDetokenizer detok(tok);
    StopStringFilter stops(params.stop_strings);
    bool keep_going = true;
    auto emit = [&](const std::string& text, TokenId id) {
        if (text.empty()) return;
        result.text += text;
        if (on_text && !on_text(text, id)) keep_going = false;
    };

    const auto start = Clock::now();
    std::span<const float> logits;
    try {
        if (!prompt.empty()) logits = session_.decode(prompt, cancel);
        else if (!session_.logits().empty()) logits = session_.logits().last(static_cast<size_t>(session_.model().info().n_vocab));
        else throw Error(ErrorKind::InvalidArgument, "generate needs a prompt");
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::Cancelled) throw;
        stats.stop_reason = StopReason::Cancelled;
        stats.prompt_seconds = seconds_since(start);
        return result;
    }
    stats.prompt_tokens = static_cast<int>(prompt.size());
    stats.prompt_seconds = seconds_since(start);
    const auto gen_start = Clock::now();
    stats.stop_reason = StopReason::MaxTokens;

    for (int i = 0; i < params.max_tokens; ++i) {
        if (cancel && cancel->load(std::memory_order_relaxed)) {
            stats.stop_reason = StopReason::Cancelled;
            break;
        }
        if (params.top_logits > 0) result.top_logits.push_back(top_k(logits, params.top_logits));
        const bool forced = static_cast<size_t>(i) < params.forced_tokens.size();
        const TokenId id = forced ? params.forced_tokens[static_cast<size_t>(i)] : sampler.sample(logits);
        sampler.accept(id);
        result.tokens.push_back(id);
        if (i == 0) stats.time_to_first_token = seconds_since(start);
        ++stats.generated_tokens;
        if (params.stop_at_eog && !forced && tok.is_eog(id)) {
            stats.stop_reason = StopReason::EndOfGeneration;
            break;
        }
        emit(stops.push(detok.push(id)), id);
        if (stops.stopped()) {
            stats.stop_reason = StopReason::StopString;
            break;
        }
        if (!keep_going) {
            stats.stop_reason = StopReason::Cancelled;
            break;
        }
        if (i + 1 == params.max_tokens) break;
        if (session_.n_past() >= session_.n_ctx() && !(hooks.on_context_full && hooks.on_context_full())) {
            stats.stop_reason = StopReason::ContextFull;
            break;
        }
        try {
            const TokenId next[] = {id};
            logits = session_.decode(next, cancel);
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::Cancelled) throw;
            stats.stop_reason = StopReason::Cancelled;
            break;
        }
        if (hooks.on_decoded) hooks.on_decoded(id);
    }
    if (stats.stop_reason != StopReason::StopString) emit(stops.push(detok.flush()) + stops.flush(), -1);
    stats.generation_seconds = seconds_since(gen_start);
    return result;
}

}  // namespace chord
