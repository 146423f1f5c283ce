#include "tokenizer/byte_level.h"

#include <fmt/format.h>

#include "tokenizer/utf8.h"

namespace chord::tokenizer {

namespace {

bool shown_as_itself(uint32_t b) { return (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF); }

struct Alphabet {
    std::array<uint32_t, 256> to_cp{};
    Alphabet() {
        uint32_t next = 256;
        for (uint32_t b = 0; b < 256; ++b) to_cp[b] = shown_as_itself(b) ? b : next++;
    }
};

const Alphabet& alphabet() {
    static const Alphabet a;
    return a;
}

}  // namespace

uint32_t byte_to_code_point(uint8_t byte) { return alphabet().to_cp[byte]; }

std::optional<uint8_t> code_point_to_byte(uint32_t cp) {
    if (cp < 256 && shown_as_itself(cp)) return static_cast<uint8_t>(cp);
    if (cp >= 256 && cp < 256 + 68) {  // 68 bytes are not shown as themselves
        const std::array<uint32_t, 256>& to_cp = alphabet().to_cp;
        for (uint32_t b = 0; b < 256; ++b) {
            if (to_cp[b] == cp) return static_cast<uint8_t>(b);
        }
    }
    return std::nullopt;
}

std::string byte_level_encode(std::string_view text) {
    std::string out;
    out.reserve(text.size() * 2);
    for (char c : text) append_utf8(out, byte_to_code_point(static_cast<uint8_t>(c)));
    return out;
}

std::string byte_level_decode(std::string_view token_text) {
    std::string out;
    for (uint32_t cp : to_code_points(token_text)) {
        if (const std::optional<uint8_t> b = code_point_to_byte(cp)) {
            out += static_cast<char>(*b);
            continue;
        }
        std::string utf8;
        append_utf8(utf8, cp);
        out += "[UNK_BYTE_0x";
        for (char c : utf8) out += fmt::format("{:02x}", static_cast<uint8_t>(c));
        out += std::string(token_text) + "]";
    }
    return out;
}

}  // namespace chord::tokenizer
