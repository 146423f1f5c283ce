// ChatSession: one turn = plan the prompt (drop the oldest turns if the context is short), keep the
// cached prefix, then let Generator (the one sampling/stop/cancel loop) process the new tokens and
// stream the reply, until an end-of-generation token, a stop string, max_tokens or cancellation. A
// reply that fills the context shifts it (Shift policy) as llama.cpp does: keep the first tokens, drop
// half of the rest.
#include <algorithm>
#include <chrono>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "chord/chat.h"
#include "chord/error.h"
#include "chord/model.h"

namespace chord {

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

}  // namespace

ChatSession::ChatSession(Session& session, ChatTemplate chat_template, ChatOptions options)
    : session_(session), template_(std::move(chat_template)), options_(options) {
    session_.truncate(0);
}

void ChatSession::set_system_prompt(std::string text) { system_ = std::move(text); }

void ChatSession::edit(size_t index, std::string content) {
    if (index >= messages_.size()) throw Error(ErrorKind::InvalidArgument, "edit: no message at that index");
    messages_[index].content = std::move(content);
    messages_.resize(index + 1);
    first_visible_ = std::min(first_visible_, index);
}

void ChatSession::set_messages(std::vector<ChatMessage> messages) {
    size_t same = 0;
    while (same < messages.size() && same < messages_.size() && messages[same].role == messages_[same].role &&
           messages[same].content == messages_[same].content)
        ++same;
    // Turns dropped from the context stay dropped while the conversation before them is unchanged.
    if (same < first_visible_ || first_visible_ >= messages.size()) first_visible_ = 0;
    messages_ = std::move(messages);
}

void ChatSession::clear() {
    messages_.clear();
    first_visible_ = 0;
    session_.truncate(0);
    cache_tokens_.clear();
    segments_.clear();
}

ChatReply ChatSession::send(std::string user_text, const GenerationParams& params, const TokenCallback& on_text,
                            const std::atomic<bool>* cancel) {
    messages_.push_back({"user", std::move(user_text)});
    try {
        ChatReply r = run_turn(params, on_text, cancel);
        if (r.tokens.empty() && r.stats.stop_reason == StopReason::Cancelled) messages_.pop_back();
        return r;
    } catch (...) {
        messages_.pop_back();
        throw;
    }
}

ChatReply ChatSession::reply(const GenerationParams& params, const TokenCallback& on_text, const std::atomic<bool>* cancel) {
    return run_turn(params, on_text, cancel);
}

ChatReply ChatSession::regenerate(const GenerationParams& params, const TokenCallback& on_text,
                                  const std::atomic<bool>* cancel) {
    if (!messages_.empty() && messages_.back().role == "assistant") messages_.pop_back();
    first_visible_ = std::min(first_visible_, messages_.empty() ? 0 : messages_.size() - 1);
    return run_turn(params, on_text, cancel);
}

ChatReply ChatSession::run_turn(const GenerationParams& params, const TokenCallback& on_text,
                                const std::atomic<bool>* cancel) {
    ChatReply r;
    GenerationStats& stats = r.stats;
    const auto start = Clock::now();
    const int n_ctx = session_.n_ctx();
    const int reserve = options_.reserve_tokens > 0 ? options_.reserve_tokens
                                                    : std::max(1, std::min(params.max_tokens, n_ctx / 4));

    // 1. The prompt: drop the oldest turns until it leaves room for the reply.
    const size_t first_before = first_visible_;
    Plan plan = make_plan();
    while (plan.prefix.tokens + static_cast<int>(plan.tokens.size()) + reserve > n_ctx && drop_oldest_turn())
        plan = make_plan();
    if (first_visible_ != first_before && options_.policy == ContextPolicy::Shift && shift_to_prompt(plan.prompt, r.turn))
        plan = make_plan();
    r.turn.dropped_messages = static_cast<int>(first_visible_);
    const int needed = plan.prefix.tokens + static_cast<int>(plan.tokens.size());
    if (needed >= n_ctx)
        throw Error(ErrorKind::ContextOverflow,
                    fmt::format("the conversation needs {} tokens even with only the system prompt and the last "
                                "message, but the context holds {}: shorten the message or raise the context size",
                                needed, n_ctx));

    // 2. Keep the cached prefix; the one generation loop processes the rest and streams the reply,
    //    while the hooks keep the cache's record (its ids and segments) in step with the session.
    drop_cache_after(plan.prefix);
    r.turn.reused_tokens = plan.prefix.tokens;
    const Tokenizer& tok = session_.model().tokenizer();
    const double plan_seconds = seconds_since(start);
    Segment generated;
    bool reply_opaque = false;  // a shift happened mid-reply: its cached text is no longer known
    bool prompt_in_cache = false;
    auto commit_prompt = [&] {  // the prompt is in the session: record its ids and segments
        if (prompt_in_cache) return;
        cache_tokens_.insert(cache_tokens_.end(), plan.tokens.begin(), plan.tokens.end());
        for (Segment& s : plan.segments) segments_.push_back(std::move(s));
        prompt_in_cache = true;
    };
    GenerationHooks hooks;
    hooks.history = cache_tokens_;  // read before the vector changes
    hooks.on_context_full = [&] {
        commit_prompt();
        // As llama.cpp: keep the first tokens (BOS, system prompt), drop half of the rest.
        const int keep = keep_tokens();
        const int discard = (session_.n_past() - keep) / 2;
        if (options_.policy != ContextPolicy::Shift || discard <= 0) return false;
        session_.shift(keep, discard);
        cache_tokens_.erase(cache_tokens_.begin() + keep, cache_tokens_.begin() + keep + discard);
        size_t n_keep_segments = 0;
        while (n_keep_segments < segments_.size() && segments_[n_keep_segments].keep) ++n_keep_segments;
        segments_.resize(n_keep_segments);
        segments_.push_back({0, {}, {}, false, true, {}});
        reply_opaque = true;
        ++r.turn.shifts;
        r.turn.discarded_tokens += discard;
        spdlog::debug("context full: shifted out {} tokens after the first {}", discard, keep);
        return true;
    };
    hooks.on_decoded = [&](TokenId id) {
        commit_prompt();
        cache_tokens_.push_back(id);
        ++generated.n_tokens;
        // The text the reply shows (control tokens render as nothing), so the next prompt, which quotes
        // the reply, matches it token by token.
        generated.text += tok.piece(id, false);
        generated.piece_ends.push_back(generated.text.size());
    };

    Generator generator(session_);
    GenerationResult result = generator.generate(plan.tokens, params, on_text, cancel, hooks);
    r.text = std::move(result.text);
    r.tokens = std::move(result.tokens);
    stats = result.stats;
    stats.prompt_seconds += plan_seconds;
    if (!r.tokens.empty()) stats.time_to_first_token += plan_seconds;
    if (stats.stop_reason == StopReason::Cancelled && stats.prompt_tokens == 0) {
        // Cancelled during the prompt: batches already done are dropped too, so the cache stays exactly
        // its segments and the conversation is as before.
        session_.truncate(static_cast<int>(cache_tokens_.size()));
        return r;
    }
    commit_prompt();
    r.turn.prompt_tokens = stats.prompt_tokens;

    if (reply_opaque) {
        segments_.back().n_tokens = static_cast<int>(cache_tokens_.size()) - keep_tokens();
    } else if (generated.n_tokens > 0) {
        segments_.push_back(std::move(generated));
    }
    if (!r.tokens.empty()) messages_.push_back({"assistant", r.text});
    return r;
}

}  // namespace chord
