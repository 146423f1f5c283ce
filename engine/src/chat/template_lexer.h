#pragma once
// Splits a chat template into text and tags, applying Jinja's whitespace control the way Hugging Face
// configures it (trim_blocks and lstrip_blocks on, keep_trailing_newline off), and tokenizes the
// inside of each tag.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace chord::jinja {

struct Token {
    enum class Kind { Name, String, Int, Float, Op };
    Kind kind;
    std::string text;  // name, operator, or the unescaped string
    int64_t int_value = 0;
    double float_value = 0.0;
    int line = 0;
};

struct Chunk {
    enum class Kind { Text, Output, Statement };  // text, {{ … }}, {% … %}
    Kind kind;
    std::string text;           // Text only
    std::vector<Token> tokens;  // Output and Statement
    int line = 0;
};

std::vector<Chunk> lex_template(std::string_view source);

}  // namespace chord::jinja
