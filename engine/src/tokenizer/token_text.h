#pragma once
// Token text conventions shared by the tokenizers: SentencePiece's "▁" for a space, <0xNN> byte
// tokens, and what llama.cpp's token_to_piece prints for a token of each kind.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "chord/tokenizer.h"

namespace chord::tokenizer {

inline constexpr std::string_view kSpaceMark = "\xE2\x96\x81";  // U+2581, SentencePiece's visible space

std::string escape_spaces(std::string_view text);    // ' ' → ▁
std::string unescape_spaces(std::string_view text);  // ▁ → ' '

std::string byte_token_text(uint8_t byte);                       // "<0x0A>" (upper-case hex)
std::optional<uint8_t> parse_byte_token(std::string_view text);  // "<0x0A>" → 10

// llama.cpp's token_to_piece for SentencePiece and WordPiece vocabularies: control and unknown
// tokens print nothing unless render_special, then their text; user-defined tokens print their
// text; normal tokens print with ▁ turned back into spaces; byte tokens print their byte.
std::string sentencepiece_piece(const Vocab& vocab, TokenId id, bool render_special);

}  // namespace chord::tokenizer
