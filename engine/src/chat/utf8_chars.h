#pragma once
// Splits a UTF-8 string into characters (code points), which is what Python's str indexing, len()
// and iteration count. Malformed bytes count as one character each.
#include <string>
#include <string_view>
#include <vector>

namespace chord::jinja {

inline size_t utf8_char_length(unsigned char lead) {
    if (lead < 0x80) return 1;
    if ((lead & 0xE0) == 0xC0) return 2;
    if ((lead & 0xF0) == 0xE0) return 3;
    if ((lead & 0xF8) == 0xF0) return 4;
    return 1;
}

inline std::vector<std::string> utf8_chars(std::string_view s) {
    std::vector<std::string> out;
    for (size_t i = 0; i < s.size();) {
        size_t n = utf8_char_length(static_cast<unsigned char>(s[i]));
        if (i + n > s.size()) n = 1;
        out.emplace_back(s.substr(i, n));
        i += n;
    }
    return out;
}

}  // namespace chord::jinja
