#include "tokenizer/token_text.h"

namespace chord::tokenizer {

namespace {

std::string replace_all(std::string_view text, std::string_view from, std::string_view to) {
    std::string out;
    out.reserve(text.size());
    size_t pos = 0;
    while (true) {
        const size_t hit = text.find(from, pos);
        if (hit == std::string_view::npos) break;
        out.append(text.substr(pos, hit - pos));
        out.append(to);
        pos = hit + from.size();
    }
    out.append(text.substr(pos));
    return out;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

}  // namespace

std::string escape_spaces(std::string_view text) { return replace_all(text, " ", kSpaceMark); }

std::string unescape_spaces(std::string_view text) { return replace_all(text, kSpaceMark, " "); }

std::string byte_token_text(uint8_t byte) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    return std::string{'<', '0', 'x', kHex[byte >> 4], kHex[byte & 15], '>'};
}

std::optional<uint8_t> parse_byte_token(std::string_view text) {
    if (text.size() != 6 || text.substr(0, 3) != "<0x" || text[5] != '>') return std::nullopt;
    const int hi = hex_value(text[3]);
    const int lo = hex_value(text[4]);
    if (hi < 0 || lo < 0) return std::nullopt;
    return static_cast<uint8_t>(hi * 16 + lo);
}

std::string sentencepiece_piece(const Vocab& vocab, TokenId id, bool render_special) {
    if (id < 0 || id >= vocab.size()) return {};
    const std::string& text = vocab.tokens[static_cast<size_t>(id)];
    switch (vocab.kinds[static_cast<size_t>(id)]) {
        case TokenKind::Control:
        case TokenKind::Unknown:
            return render_special ? text : std::string();
        case TokenKind::UserDefined:
            return text;
        case TokenKind::Normal:
            return unescape_spaces(text);
        case TokenKind::Byte: {
            const std::optional<uint8_t> byte = parse_byte_token(text);
            return byte ? std::string(1, static_cast<char>(*byte)) : std::string();
        }
        case TokenKind::Unused:
        case TokenKind::Undefined:
            break;  // llama.cpp prints nothing for these
    }
    return {};
}

}  // namespace chord::tokenizer
