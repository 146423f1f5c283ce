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

std::vector<Fragment> TokenTable::partition(std::string_view text, bool parse_special) const {
    std::vector<Fragment> fragments;
    if (text.empty()) return fragments;
    fragments.push_back({text, -1});

    std::vector<Fragment> next;
    for (TokenId special : specials_) {
        if (!parse_special && vocab_->kinds[special] != TokenKind::UserDefined) continue;
        const std::string& needle = vocab_->tokens[special];
        const uint8_t strip = vocab_->strip.empty() ? 0 : vocab_->strip[special];
        next.clear();
        bool found_any = false;
        for (const Fragment& fragment : fragments) {
            if (fragment.token >= 0) {
                next.push_back(fragment);
                continue;
            }
            std::string_view rest = fragment.text;
            size_t match = rest.find(needle);
            if (match == std::string_view::npos) {
                next.push_back(fragment);
                continue;
            }
            found_any = true;
            while (match != std::string_view::npos) {
                std::string_view left = rest.substr(0, match);
                if (strip & Vocab::StripLeft) {
                    while (!left.empty() && is_c_space(left.back())) left.remove_suffix(1);
                }
                if (!left.empty()) next.push_back({left, -1});
                next.push_back({{}, special});
                rest = rest.substr(match + needle.size());
                if (strip & Vocab::StripRight) {
                    while (!rest.empty() && is_c_space(rest.front())) rest.remove_prefix(1);
                }
                match = rest.find(needle);
            }
            if (!rest.empty()) next.push_back({rest, -1});
        }
        if (found_any) fragments.swap(next);
    }
    return fragments;
}

}  // namespace chord::tokenizer
