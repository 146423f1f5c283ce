#include "tokenizer/utf8.h"

namespace chord::tokenizer {

void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

namespace {

bool is_continuation(uint8_t b) { return (b & 0xC0) == 0x80; }

// Valid ranges for the second byte after a given lead (RFC 3629 table: rejects overlongs,
// surrogates and code points above U+10FFFF).
bool second_byte_ok(uint8_t lead, uint8_t b) {
    switch (lead) {
        case 0xE0: return b >= 0xA0 && b <= 0xBF;
        case 0xED: return b >= 0x80 && b <= 0x9F;
        case 0xF0: return b >= 0x90 && b <= 0xBF;
        case 0xF4: return b >= 0x80 && b <= 0x8F;
        default: return is_continuation(b);
    }
}

size_t expected_length(uint8_t lead) {
    if (lead < 0x80) return 1;
    if (lead >= 0xC2 && lead <= 0xDF) return 2;
    if (lead >= 0xE0 && lead <= 0xEF) return 3;
    if (lead >= 0xF0 && lead <= 0xF4) return 4;
    return 0;  // continuation byte, C0/C1 or F5..FF: never starts a character
}

}  // namespace

bool decode_utf8(std::string_view text, size_t pos, uint32_t& cp, size_t& len) {
    const auto lead = static_cast<uint8_t>(text[pos]);
    const size_t need = expected_length(lead);
    len = 1;
    if (need == 0) return false;
    if (need == 1) {
        cp = lead;
        return true;
    }
    if (pos + need > text.size()) return false;
    if (!second_byte_ok(lead, static_cast<uint8_t>(text[pos + 1]))) return false;
    uint32_t value = lead & (0xFF >> (need + 1));
    for (size_t i = 1; i < need; ++i) {
        const auto b = static_cast<uint8_t>(text[pos + i]);
        if (!is_continuation(b)) return false;
        value = (value << 6) | (b & 0x3F);
    }
    cp = value;
    len = need;
    return true;
}

std::vector<uint32_t> to_code_points(std::string_view text) {
    // llama.cpp's decoder is lax: it checks only the lead and continuation bit patterns (no overlong,
    // surrogate or range checks), and a byte that fails becomes U+FFFD. Matching it keeps BPE ids equal
    // on malformed input.
    std::vector<uint32_t> out;
    out.reserve(text.size());
    size_t pos = 0;
    const size_t n = text.size();
    auto cont = [&](size_t i) { return i < n && is_continuation(static_cast<uint8_t>(text[i])); };
    while (pos < n) {
        const auto b = static_cast<uint8_t>(text[pos]);
        auto at = [&](size_t i) { return static_cast<uint32_t>(static_cast<uint8_t>(text[pos + i]) & 0x3F); };
        if (b < 0x80) {
            out.push_back(b);
            pos += 1;
        } else if ((b & 0xE0) == 0xC0 && cont(pos + 1)) {
            out.push_back(((b & 0x1Fu) << 6) | at(1));
            pos += 2;
        } else if ((b & 0xF0) == 0xE0 && cont(pos + 1) && cont(pos + 2)) {
            out.push_back(((b & 0x0Fu) << 12) | (at(1) << 6) | at(2));
            pos += 3;
        } else if ((b & 0xF8) == 0xF0 && cont(pos + 1) && cont(pos + 2) && cont(pos + 3)) {
            out.push_back(((b & 0x07u) << 18) | (at(1) << 12) | (at(2) << 6) | at(3));
            pos += 4;
        } else {
            out.push_back(0xFFFD);
            pos += 1;
        }
    }
    return out;
}

size_t incomplete_utf8_tail(std::string_view text) {
    // A character is at most 4 bytes: look at the last 3 bytes for a lead whose sequence runs past the end.
    const size_t n = text.size();
    for (size_t back = 1; back <= 3 && back <= n; ++back) {
        const auto b = static_cast<uint8_t>(text[n - back]);
        if (is_continuation(b)) continue;
        const size_t need = expected_length(b);
        if (need <= back) return 0;  // ASCII, an invalid lead, or a sequence that already ended
        // The bytes present must be a valid prefix, or the sequence can never complete.
        if (back >= 2 && !second_byte_ok(b, static_cast<uint8_t>(text[n - back + 1]))) return 0;
        return back;
    }
    return 0;
}

std::string sanitize_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    size_t pos = 0;
    while (pos < text.size()) {
        uint32_t cp = 0;
        size_t len = 1;
        if (decode_utf8(text, pos, cp, len)) {
            out.append(text.substr(pos, len));
        } else {
            out += "\xEF\xBF\xBD";
        }
        pos += len;
    }
    return out;
}

}  // namespace chord::tokenizer
