#include "chat/template_lexer.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "chat/template_error.h"
#include "tokenizer/utf8.h"

namespace chord::jinja {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::string normalize_newlines(std::string_view source) {
    std::string out;
    out.reserve(source.size());
    for (size_t i = 0; i < source.size(); ++i) {
        if (source[i] == '\r') {
            out += '\n';
            if (i + 1 < source.size() && source[i + 1] == '\n') ++i;
        } else {
            out += source[i];
        }
    }
    return out;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Python's string-literal escapes, as Jinja applies them to a quoted literal.
std::string unescape(std::string_view body, int line) {
    std::string out;
    for (size_t i = 0; i < body.size(); ++i) {
        if (body[i] != '\\' || i + 1 == body.size()) {
            out += body[i];
            continue;
        }
        const char c = body[++i];
        switch (c) {
            case 'n': out += '\n'; break;
            case 't': out += '\t'; break;
            case 'r': out += '\r'; break;
            case 'a': out += '\a'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'v': out += '\v'; break;
            case '0': out += '\0'; break;
            case '\\': out += '\\'; break;
            case '\'': out += '\''; break;
            case '"': out += '"'; break;
            case '\n': break;  // line continuation
            case 'x':
            case 'u':
            case 'U': {
                const size_t digits = c == 'x' ? 2 : c == 'u' ? 4 : 8;
                uint32_t cp = 0;
                for (size_t k = 1; k <= digits; ++k) {
                    const int h = i + k < body.size() ? hex_value(body[i + k]) : -1;
                    if (h < 0) throw TemplateError("bad \\" + std::string(1, c) + " escape", line);
                    cp = cp * 16 + static_cast<uint32_t>(h);
                }
                i += digits;
                tokenizer::append_utf8(out, cp);
                break;
            }
            default:
                out += '\\';
                out += c;
        }
    }
    return out;
}

class TagTokenizer {
public:
    TagTokenizer(const std::string& src, size_t pos, int line) : src_(src), pos_(pos), line_(line) {}

    // Reads tokens up to the closing delimiter ("}}" or "%}") at bracket depth 0. Returns the position
    // just after it and reports its modifier ('-', '+' or 0).
    size_t read_until(const char* close, std::vector<Token>& out, char& modifier) {
        int depth = 0;
        const size_t close_len = std::strlen(close);
        while (true) {
            while (pos_ < src_.size() && is_space(src_[pos_])) {
                if (src_[pos_] == '\n') ++line_;
                ++pos_;
            }
            if (pos_ >= src_.size()) throw TemplateError(std::string("missing '") + close + "'", line_);
            if (depth == 0) {
                for (const char mod : {'-', '+', '\0'}) {
                    const size_t at = pos_ + (mod ? 1 : 0);
                    if ((!mod || src_[pos_] == mod) && src_.compare(at, close_len, close) == 0) {
                        modifier = mod;
                        return at + close_len;
                    }
                }
            }
            Token t = next_token();
            if (t.kind == Token::Kind::Op) {
                if (t.text == "(" || t.text == "[" || t.text == "{") ++depth;
                if ((t.text == ")" || t.text == "]" || t.text == "}") && depth > 0) --depth;
            }
            out.push_back(std::move(t));
        }
    }
    int line() const { return line_; }

private:
    Token next_token() {
        Token t{Token::Kind::Op, {}, 0, 0.0, line_};
        const char c = src_[pos_];
        if (is_name_start(c)) {
            const size_t start = pos_;
            while (pos_ < src_.size() && is_name_char(src_[pos_])) ++pos_;
            t.kind = Token::Kind::Name;
            t.text = src_.substr(start, pos_ - start);
            return t;
        }
        if (std::isdigit(static_cast<unsigned char>(c))) return number(t);
        if (c == '\'' || c == '"') {
            size_t end = pos_ + 1;
            while (end < src_.size() && src_[end] != c) {
                if (src_[end] == '\\') ++end;
                if (end < src_.size() && src_[end] == '\n') ++line_;
                ++end;
            }
            if (end >= src_.size()) throw TemplateError("unterminated string", t.line);
            t.kind = Token::Kind::String;
            t.text = unescape(std::string_view(src_).substr(pos_ + 1, end - pos_ - 1), t.line);
            pos_ = end + 1;
            return t;
        }
        static const char* const kTwoChar[] = {"//", "**", "==", "!=", "<=", ">="};
        for (const char* op : kTwoChar) {
            if (src_.compare(pos_, 2, op) == 0) {
                t.text = op;
                pos_ += 2;
                return t;
            }
        }
        if (std::strchr("+-*/%~<>=()[]{},.:|", c)) {
            t.text = std::string(1, c);
            ++pos_;
            return t;
        }
        throw TemplateError(std::string("unexpected character '") + c + "'", line_);
    }

    Token number(Token t) {
        std::string digits;
        auto take_digits = [&] {
            while (pos_ < src_.size() && (std::isdigit(static_cast<unsigned char>(src_[pos_])) || src_[pos_] == '_')) {
                if (src_[pos_] != '_') digits += src_[pos_];
                ++pos_;
            }
        };
        take_digits();
        bool is_float = false;
        if (pos_ + 1 < src_.size() && src_[pos_] == '.' && std::isdigit(static_cast<unsigned char>(src_[pos_ + 1]))) {
            is_float = true;
            digits += src_[pos_++];
            take_digits();
        }
        if (pos_ < src_.size() && (src_[pos_] == 'e' || src_[pos_] == 'E')) {
            size_t p = pos_ + 1;
            if (p < src_.size() && (src_[p] == '+' || src_[p] == '-')) ++p;
            if (p < src_.size() && std::isdigit(static_cast<unsigned char>(src_[p]))) {
                is_float = true;
                digits += src_.substr(pos_, p - pos_);
                pos_ = p;
                take_digits();
            }
        }
        if (is_float) {
            t.kind = Token::Kind::Float;
            t.float_value = std::stod(digits);
        } else {
            t.kind = Token::Kind::Int;
            try {
                t.int_value = std::stoll(digits);
            } catch (const std::exception&) {
                throw TemplateError("integer literal too large", t.line);
            }
        }
        t.text = digits;
        return t;
    }

    const std::string& src_;
    size_t pos_;
    int line_;
};

int count_newlines(std::string_view s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

// Finds "{% endraw %}" (with optional '-' modifiers) from pos; returns its start, sets after/mods.
size_t find_endraw(const std::string& src, size_t pos, size_t& after, char& open_mod, char& close_mod) {
    for (size_t at = src.find("{%", pos); at != std::string::npos; at = src.find("{%", at + 2)) {
        size_t p = at + 2;
        open_mod = (p < src.size() && (src[p] == '-' || src[p] == '+')) ? src[p++] : 0;
        while (p < src.size() && is_space(src[p])) ++p;
        if (src.compare(p, 6, "endraw") != 0) continue;
        p += 6;
        while (p < src.size() && is_space(src[p])) ++p;
        close_mod = (p < src.size() && (src[p] == '-' || src[p] == '+')) ? src[p++] : 0;
        if (src.compare(p, 2, "%}") != 0) continue;
        after = p + 2;
        return at;
    }
    return std::string::npos;
}

}  // namespace

std::vector<Chunk> lex_template(std::string_view source_view) {
    std::string src = normalize_newlines(source_view);
    if (!src.empty() && src.back() == '\n') src.pop_back();  // keep_trailing_newline=False

    std::vector<Chunk> chunks;
    size_t pos = 0;
    int line = 1;
    bool line_starting = true;  // the text before the next tag starts a line (for lstrip_blocks)
    auto emit_text = [&](std::string text, int at_line) {
        if (!text.empty()) chunks.push_back({Chunk::Kind::Text, std::move(text), {}, at_line});
    };
    // After a tag: '-' eats all whitespace, else a block tag eats one newline (trim_blocks).
    auto skip_after = [&](size_t end, char close_mod, bool is_block) {
        if (close_mod == '-') {
            while (end < src.size() && is_space(src[end])) ++end;
        } else if (is_block && close_mod != '+' && end < src.size() && src[end] == '\n') {
            ++end;
        }
        line += count_newlines(std::string_view(src).substr(pos, end - pos));
        line_starting = end > 0 && src[end - 1] == '\n';
        pos = end;
    };

    while (pos < src.size()) {
        size_t start = std::string::npos;
        for (const char* open : {"{{", "{%", "{#"}) start = std::min(start, src.find(open, pos));
        if (start == std::string::npos) {
            emit_text(src.substr(pos), line);
            break;
        }
        const char kind = src[start + 1];
        const bool is_block = kind != '{';
        const char open_mod = (start + 2 < src.size() && (src[start + 2] == '-' || src[start + 2] == '+')) ? src[start + 2] : 0;
        std::string text = src.substr(pos, start - pos);
        const int text_line = line;
        line += count_newlines(text);
        if (open_mod == '-') {
            while (!text.empty() && is_space(text.back())) text.pop_back();
        } else if (is_block && open_mod != '+') {
            // lstrip_blocks: drop spaces and tabs between the line start and a block tag.
            const size_t line_start = text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
            const bool only_blanks = text.find_first_not_of(" \t", line_start) == std::string::npos;
            if ((line_start > 0 || line_starting) && only_blanks) text.resize(line_start);
        }
        emit_text(std::move(text), text_line);
        pos = start;
        const size_t body = start + 2 + (open_mod ? 1 : 0);

        if (kind == '#') {
            const size_t close = src.find("#}", body);
            if (close == std::string::npos) throw TemplateError("missing '#}'", line);
            const char close_mod = (close > body && (src[close - 1] == '-' || src[close - 1] == '+')) ? src[close - 1] : 0;
            skip_after(close + 2, close_mod, true);
            continue;
        }
        Chunk chunk{kind == '{' ? Chunk::Kind::Output : Chunk::Kind::Statement, {}, {}, line};
        TagTokenizer tags(src, body, line);
        char close_mod = 0;
        const size_t end = tags.read_until(kind == '{' ? "}}" : "%}", chunk.tokens, close_mod);
        if (chunk.kind == Chunk::Kind::Output && chunk.tokens.empty()) throw TemplateError("empty {{ }}", line);
        const bool is_raw = chunk.kind == Chunk::Kind::Statement && chunk.tokens.size() == 1 &&
                            chunk.tokens[0].kind == Token::Kind::Name && chunk.tokens[0].text == "raw";
        skip_after(end, close_mod, is_block && !is_raw);  // Jinja's raw tag keeps the newline after it
        if (chunk.kind == Chunk::Kind::Statement && chunk.tokens.empty()) throw TemplateError("empty {% %}", chunk.line);
        if (!is_raw) {
            chunks.push_back(std::move(chunk));
            continue;
        }
        size_t after = 0;
        char end_open = 0, end_close = 0;
        const size_t endraw = find_endraw(src, pos, after, end_open, end_close);
        if (endraw == std::string::npos) throw TemplateError("{% raw %} without {% endraw %}", chunk.line);
        std::string raw = src.substr(pos, endraw - pos);
        if (end_open == '-') {
            while (!raw.empty() && is_space(raw.back())) raw.pop_back();
        } else if (end_open != '+') {
            const size_t line_start = raw.rfind('\n') == std::string::npos ? 0 : raw.rfind('\n') + 1;
            const bool only_blanks = raw.find_first_not_of(" \t", line_start) == std::string::npos;
            if ((line_start > 0 || line_starting) && only_blanks) raw.resize(line_start);
        }
        emit_text(std::move(raw), line);
        line += count_newlines(std::string_view(src).substr(pos, endraw - pos));
        pos = endraw;
        skip_after(after, end_close, true);
    }
    return chunks;
}

}  // namespace chord::jinja
