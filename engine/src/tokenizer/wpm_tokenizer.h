#pragma once
// WordPiece (tokenizer.ggml.model = "bert"), as llama.cpp's llm_tokenizer_wpm: BERT's basic
// normalizer (lowercase, accents stripped, control characters dropped, punctuation and CJK
// characters split off), then greedy longest-match per word, where word starts carry "▁" and a
// word with any unmatched part becomes [UNK].
#include "chord/tokenizer.h"
#include "tokenizer/token_table.h"

namespace chord::tokenizer {

class WpmTokenizer final : public Tokenizer {
public:
    explicit WpmTokenizer(Vocab vocab);

    using Tokenizer::encode;
    std::vector<TokenId> encode(std::string_view text, const EncodeOptions& options) const override;
    std::string piece(TokenId id, bool render_special = false) const override;

private:
    std::vector<std::string> words_of(std::string_view text) const;
    void encode_word(const std::string& word, std::vector<TokenId>& out) const;

    TokenTable table_;
    size_t max_token_bytes_ = 0;
};

}  // namespace chord::tokenizer
