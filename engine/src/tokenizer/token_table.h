#pragma once
// Text → id lookup over a Vocab, and the split of input text around special tokens written as text
// (llama.cpp's tokenizer_st_partition), shared by every tokenizer algorithm.
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "chord/tokenizer.h"

namespace chord::tokenizer {

// A run of input: either plain text to tokenize, or one special token found in the text.
struct Fragment {
    std::string_view text;  // empty when token >= 0
    TokenId token = -1;
};

class TokenTable {
public:
    explicit TokenTable(const Vocab& vocab);

    TokenId find(std::string_view text) const;  // -1 if no token has exactly this text

    // Splits text at special tokens, longest first. User-defined tokens are always recognised
    // (they are ordinary "added tokens" such as runs of spaces); control and unknown tokens only
    // with options.parse_special, or inside one of options.special_ranges (template text, never what
    // a user typed).
    std::vector<Fragment> partition(std::string_view text, const EncodeOptions& options) const;

private:
    struct Hash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    const Vocab* vocab_;
    std::unordered_map<std::string, TokenId, Hash, std::equal_to<>> ids_;
    std::vector<TokenId> specials_;  // control, user-defined and unknown tokens, longest text first
};

}  // namespace chord::tokenizer
