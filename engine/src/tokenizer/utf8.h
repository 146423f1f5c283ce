#pragma once
// UTF-8 helpers shared by the tokenizers. Invalid input is never an error here: tokenizers must
// accept any bytes a user pastes, so each helper documents what it does with a bad sequence.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace chord::tokenizer {

// Bytes in the character that starts with this byte, judged from the byte alone the way llama.cpp's
// unicode_len_utf8 does (continuation bytes count as 1, 0xF8..0xFF as 4).
inline size_t utf8_sequence_length(uint8_t lead) {
    static constexpr uint8_t kLengths[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4};
    return kLengths[lead >> 4];
}

void append_utf8(std::string& out, uint32_t cp);

// Decodes one character at text[pos]. On success returns true, sets cp and len. On an invalid or
// truncated sequence returns false with len = 1 (the caller decides how to replace it).
bool decode_utf8(std::string_view text, size_t pos, uint32_t& cp, size_t& len);

// Code points of text, decoded as leniently as llama.cpp's unicode_cpts_from_utf8: bit patterns only,
// and a byte that does not start a well-formed pattern becomes U+FFFD.
std::vector<uint32_t> to_code_points(std::string_view text);

// How many bytes at the end of text are the start of a character that is still incomplete
// (0 when text ends on a character boundary or with bytes that can never become valid).
size_t incomplete_utf8_tail(std::string_view text);

// text with every invalid byte replaced by U+FFFD (valid characters are copied unchanged).
std::string sanitize_utf8(std::string_view text);

}  // namespace chord::tokenizer
