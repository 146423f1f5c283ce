// ChatSession's bookkeeping of the KV cache: which cached tokens a new prompt can keep (compared as
// text, segment by segment), how the new text is tokenized (split at message boundaries, so a later
// context shift can cut there), and the context shift that drops the oldest turns.
#include <algorithm>

#include "chord/chat.h"
#include "chord/model.h"

namespace chord {

namespace {

bool is_special(const Vocab& v, TokenId id) {
    if (id < 0 || id >= v.size()) return false;
    const TokenKind k = v.kinds[static_cast<size_t>(id)];
    return k == TokenKind::Control || k == TokenKind::UserDefined;
}

size_t common_prefix(std::string_view a, std::string_view b) {
    size_t i = 0;
    while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
    return i;
}

}  // namespace

std::vector<ChatMessage> ChatSession::visible_messages() const {
    std::vector<ChatMessage> visible;
    if (!system_.empty()) visible.push_back({"system", system_});
    visible.insert(visible.end(), messages_.begin() + static_cast<std::ptrdiff_t>(first_visible_), messages_.end());
    return visible;
}

bool ChatSession::drop_oldest_turn() {
    if (messages_.empty() || first_visible_ + 1 >= messages_.size()) return false;
    ++first_visible_;
    // Start the context at a user message: templates expect user/assistant to alternate from there.
    while (first_visible_ + 1 < messages_.size() && messages_[first_visible_].role != "user") ++first_visible_;
    return true;
}

// Text offsets in the prompt where a message ends (the render of the first i messages, when that is a
// prefix of the prompt). system_end: where the system prompt ends (0 without one).
std::vector<size_t> ChatSession::message_boundaries(const std::vector<ChatMessage>& visible, const std::string& prompt,
                                                    size_t& system_end) const {
    std::vector<size_t> ends;
    system_end = 0;
    for (size_t i = 1; i <= visible.size(); ++i) {
        const std::optional<std::string> part =
            template_.try_render(std::span<const ChatMessage>(visible.data(), i), false);
        if (!part || part->empty() || part->size() > prompt.size() || prompt.compare(0, part->size(), *part) != 0) continue;
        ends.push_back(part->size());
        if (i == 1 && visible[0].role == "system") system_end = part->size();
    }
    std::sort(ends.begin(), ends.end());
    ends.erase(std::unique(ends.begin(), ends.end()), ends.end());
    return ends;
}

// A cached prompt piece can be kept when the prompt has the same text at `at` and that text came from
// the template in the same places (so it would be tokenized into the same ids).
bool ChatSession::segment_matches(const Segment& s, const RenderedPrompt& prompt, size_t at) const {
    if (s.opaque || at + s.text.size() > prompt.text.size() || prompt.text.compare(at, s.text.size(), s.text) != 0)
        return false;
    return !s.piece_ends.empty() || prompt.template_ranges(at, at + s.text.size()) == s.template_text;
}

ChatSession::Prefix ChatSession::reusable_prefix(const RenderedPrompt& prompt) const {
    Prefix p;
    for (const Segment& s : segments_) {
        if (s.opaque) break;
        if (segment_matches(s, prompt, p.text_len)) {
            ++p.segments;
            p.tokens += s.n_tokens;
            p.text_len += s.text.size();
            continue;
        }
        // A generated segment can be kept token by token up to where the texts part.
        if (!s.piece_ends.empty()) {
            const size_t same = common_prefix(s.text, std::string_view(prompt.text).substr(p.text_len));
            while (p.partial_tokens < s.n_tokens && s.piece_ends[static_cast<size_t>(p.partial_tokens)] <= same)
                ++p.partial_tokens;
            if (p.partial_tokens > 0) {
                p.tokens += p.partial_tokens;
                p.text_len += s.piece_ends[static_cast<size_t>(p.partial_tokens) - 1];
            }
        }
        break;
    }
    return p;
}

void ChatSession::drop_cache_after(const Prefix& prefix) {
    session_.truncate(prefix.tokens);
    cache_tokens_.resize(static_cast<size_t>(prefix.tokens));
    segments_.resize(prefix.segments + (prefix.partial_tokens > 0 ? 1 : 0));
    if (prefix.partial_tokens > 0) {
        Segment& s = segments_.back();
        s.n_tokens = prefix.partial_tokens;
        s.piece_ends.resize(static_cast<size_t>(prefix.partial_tokens));
        s.text.resize(s.piece_ends.back());
    }
}

int ChatSession::keep_tokens() const {
    int n = 0;
    for (const Segment& s : segments_) {
        if (!s.keep) break;
        n += s.n_tokens;
    }
    return n;
}

std::vector<TokenId> ChatSession::tokenize_piece(const std::string& text, const std::vector<TextRange>& template_text,
                                                 TokenId previous) const {
    const Tokenizer& tok = session_.model().tokenizer();
    EncodeOptions options;
    options.special_ranges = template_text;  // control tokens only in the template's text, never in messages
    // SentencePiece puts a space before text that starts the input or follows a special token. Text that
    // continues a word (after a generated token) must not get one.
    options.continues_text = previous >= 0 && !is_special(tok.vocab(), previous);
    return tok.encode(text, options);
}

ChatSession::Plan ChatSession::make_plan() const {
    Plan plan;
    const std::vector<ChatMessage> visible = visible_messages();
    plan.prompt = template_.render_prompt(visible, true);
    plan.prefix = reusable_prefix(plan.prompt);
    // Something must be decoded to get the next token's logits: when the whole prompt is cached
    // (regenerating), give back the last segment.
    const std::string& text = plan.prompt.text;
    if (plan.prefix.text_len == text.size() && plan.prefix.tokens > 0) {
        if (plan.prefix.partial_tokens > 0) {
            const Segment& s = segments_[plan.prefix.segments];
            plan.prefix.tokens -= plan.prefix.partial_tokens;
            plan.prefix.text_len -= s.piece_ends[static_cast<size_t>(plan.prefix.partial_tokens) - 1];
            plan.prefix.partial_tokens = 0;
        } else {
            const Segment& s = segments_[plan.prefix.segments - 1];
            --plan.prefix.segments;
            plan.prefix.tokens -= s.n_tokens;
            plan.prefix.text_len -= s.text.size();
        }
    }

    size_t system_end = 0;
    const std::vector<size_t> ends = message_boundaries(visible, text, system_end);
    const Tokenizer& tok = session_.model().tokenizer();
    const Vocab& vocab = tok.vocab();
    TokenId previous = plan.prefix.tokens > 0 ? cache_tokens_[static_cast<size_t>(plan.prefix.tokens) - 1] : -1;
    bool all_keep = true;
    for (size_t i = 0; i < plan.prefix.segments; ++i) all_keep = all_keep && segments_[i].keep;
    all_keep = all_keep && plan.prefix.partial_tokens == 0;

    size_t pos = plan.prefix.text_len;
    if (plan.prefix.tokens == 0 && vocab.add_bos && vocab.bos >= 0) {
        const std::string bos_text = tok.piece(vocab.bos, true);
        if (bos_text.empty() || text.compare(0, bos_text.size(), bos_text) != 0) {
            plan.segments.push_back({1, {}, {}, true, false, {}});  // BOS the template did not write
            plan.tokens.push_back(vocab.bos);
            previous = vocab.bos;
        }
    }
    while (pos < text.size()) {
        const auto next = std::upper_bound(ends.begin(), ends.end(), pos);
        const size_t end = next == ends.end() ? text.size() : *next;
        Segment s;
        s.text = text.substr(pos, end - pos);
        s.template_text = plan.prompt.template_ranges(pos, end);
        const std::vector<TokenId> ids = tokenize_piece(s.text, s.template_text, previous);
        s.n_tokens = static_cast<int>(ids.size());
        all_keep = all_keep && end <= system_end;
        s.keep = all_keep;
        if (!ids.empty()) previous = ids.back();
        plan.tokens.insert(plan.tokens.end(), ids.begin(), ids.end());
        plan.segments.push_back(std::move(s));
        pos = end;
    }
    return plan;
}

bool ChatSession::shift_to_prompt(const RenderedPrompt& prompt, ChatTurnStats& turn) {
    // Keep the segments the prompt starts with, then find the first later segment the prompt continues
    // with: everything between them (the dropped turns) leaves the cache, and what follows moves down.
    size_t kept = 0, kept_text = 0;
    int kept_tokens = 0;
    while (kept < segments_.size() && segment_matches(segments_[kept], prompt, kept_text)) {
        kept_text += segments_[kept].text.size();
        kept_tokens += segments_[kept].n_tokens;
        ++kept;
    }
    int gap_tokens = 0;
    for (size_t j = kept; j < segments_.size(); ++j) {
        const Segment& s = segments_[j];
        if (s.opaque) return false;
        if (j > kept && !s.text.empty() && gap_tokens > 0 && segment_matches(s, prompt, kept_text)) {
            session_.shift(kept_tokens, gap_tokens);
            cache_tokens_.erase(cache_tokens_.begin() + kept_tokens, cache_tokens_.begin() + kept_tokens + gap_tokens);
            segments_.erase(segments_.begin() + static_cast<std::ptrdiff_t>(kept),
                            segments_.begin() + static_cast<std::ptrdiff_t>(j));
            ++turn.shifts;
            turn.discarded_tokens += gap_tokens;
            return true;
        }
        gap_tokens += s.n_tokens;
    }
    return false;
}

}  // namespace chord
