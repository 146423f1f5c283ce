#include "tokenizer/token_table.h"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace chord::tokenizer {

namespace {

bool is_c_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

}  // namespace

TokenTable::TokenTable(const Vocab& vocab) : vocab_(&vocab) {
    ids_.reserve(vocab.tokens.size());
    for (TokenId id = 0; id < vocab.size(); ++id) {
        // The first of duplicate texts wins (llama.cpp refuses such files; we only warn).
        if (!ids_.emplace(vocab.tokens[id], id).second) {
            spdlog::warn("tokenizer: token {} repeats the text of token {}", id, ids_.find(vocab.tokens[id])->second);
        }
        const TokenKind kind = vocab.kinds[id];
        if (kind == TokenKind::Control || kind == TokenKind::UserDefined || kind == TokenKind::Unknown) {
            specials_.push_back(id);
        }
    }
    std::stable_sort(specials_.begin(), specials_.end(), [&](TokenId a, TokenId b) {
        return vocab.tokens[a].size() > vocab.tokens[b].size();
    });
}

TokenId TokenTable::find(std::string_view text) const {
    const auto it = ids_.find(text);
    return it == ids_.end() ? -1 : it->second;
}

std::vector<Fragment> TokenTable::partition(std::string_view text, const EncodeOptions& options) const {
    std::vector<Fragment> fragments;
    if (text.empty()) return fragments;
    fragments.push_back({text, -1});
    const bool some_ranges = !options.parse_special && !options.special_ranges.empty();

    std::vector<Fragment> next;
    for (TokenId special : specials_) {
        const bool always = vocab_->kinds[special] == TokenKind::UserDefined;
        if (!always && !options.parse_special && !some_ranges) continue;
        const std::string& needle = vocab_->tokens[special];
        // A control token is taken only where the caller allows it: anywhere, or wholly inside a range.
        auto allowed_at = [&](const Fragment& fragment, size_t match) {
            if (always || options.parse_special) return true;
            const size_t begin = static_cast<size_t>(fragment.text.data() - text.data()) + match;
            const size_t end = begin + needle.size();
            return std::any_of(options.special_ranges.begin(), options.special_ranges.end(),
                               [&](const TextRange& r) { return r.begin <= begin && end <= r.end; });
        };
        const uint8_t strip = vocab_->strip.empty() ? 0 : vocab_->strip[special];
        next.clear();
        bool found_any = false;
        for (const Fragment& fragment : fragments) {
            if (fragment.token >= 0) {
                next.push_back(fragment);
                continue;
            }
            const std::string_view whole = fragment.text;
            size_t consumed = 0;  // whole[0, consumed) is already in `next`
            size_t match = whole.find(needle);
            while (match != std::string_view::npos) {
                if (!allowed_at(fragment, match)) {
                    match = whole.find(needle, match + 1);
                    continue;
                }
                found_any = true;
                std::string_view left = whole.substr(consumed, match - consumed);
                if (strip & Vocab::StripLeft) {
                    while (!left.empty() && is_c_space(left.back())) left.remove_suffix(1);
                }
                if (!left.empty()) next.push_back({left, -1});
                next.push_back({{}, special});
                consumed = match + needle.size();
                if (strip & Vocab::StripRight) {
                    while (consumed < whole.size() && is_c_space(whole[consumed])) ++consumed;
                }
                match = whole.find(needle, consumed);
            }
            if (consumed < whole.size()) next.push_back({whole.substr(consumed), -1});
        }
        if (found_any) fragments.swap(next);
    }
    return fragments;
}

}  // namespace chord::tokenizer
