#pragma once
// GPT-2's byte-level alphabet: every byte is shown as a printable code point (printable Latin-1
// bytes as themselves, the rest as U+0100 onwards), so BPE tokens are text. ' ' becomes 'Ġ'.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chord::tokenizer {

uint32_t byte_to_code_point(uint8_t byte);
std::optional<uint8_t> code_point_to_byte(uint32_t cp);

// text's bytes, each as its code point in UTF-8.
std::string byte_level_encode(std::string_view text);

// The inverse for a token's text; a code point outside the alphabet is written as
// "[UNK_BYTE_0x<its UTF-8 in hex><text>]", as llama.cpp does.
std::string byte_level_decode(std::string_view token_text);

}  // namespace chord::tokenizer
