#pragma once
// Byte-level BPE (tokenizer.ggml.model = "gpt2"), as llama.cpp's llm_tokenizer_bpe: text is split
// into words by the pre-tokenizer, each word's bytes are written in GPT-2's byte alphabet, and
// adjacent pieces are merged lowest merge rank first (ties: leftmost first).
#include <string>
#include <unordered_map>

#include "chord/tokenizer.h"
#include "tokenizer/pre_tokenizer.h"
#include "tokenizer/token_table.h"

namespace chord::tokenizer {

class BpeTokenizer final : public Tokenizer {
public:
    explicit BpeTokenizer(Vocab vocab);

    using Tokenizer::encode;
    std::vector<TokenId> encode(std::string_view text, const EncodeOptions& options) const override;
    std::string piece(TokenId id, bool render_special = false) const override;

private:
    void encode_word(const std::string& word, std::vector<TokenId>& out) const;
    int merge_rank(std::string_view left, std::string_view right, std::string& scratch) const;  // -1: none

    struct Hash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };

    TokenTable table_;
    PreTokenizer pre_tokenizer_;
    std::unordered_map<std::string, int, Hash, std::equal_to<>> ranks_;  // "left right" → merge rank
};

}  // namespace chord::tokenizer
