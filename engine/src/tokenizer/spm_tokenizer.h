#pragma once
// SentencePiece-style tokenizer (tokenizer.ggml.model = "llama"), as llama.cpp's llm_tokenizer_spm:
// spaces become U+2581 ("▁"), a space is prefixed to text that starts the input or follows a special
// token, adjacent pieces are merged greedily by vocabulary score, and characters no token covers
// fall back to <0xNN> byte tokens.
#include <array>

#include "chord/tokenizer.h"
#include "tokenizer/token_table.h"

namespace chord::tokenizer {

class SpmTokenizer final : public Tokenizer {
public:
    explicit SpmTokenizer(Vocab vocab);

    using Tokenizer::encode;
    std::vector<TokenId> encode(std::string_view text, const EncodeOptions& options) const override;
    std::string piece(TokenId id, bool render_special = false) const override;

private:
    // Appends the tokens of one run of text that holds no special token (already ▁-escaped).
    void encode_run(std::string_view text, std::vector<TokenId>& out) const;

    TokenTable table_;
    std::array<TokenId, 256> byte_tokens_{};  // <0xNN> (or the single-byte token) for each byte, -1 if none
};

}  // namespace chord::tokenizer
