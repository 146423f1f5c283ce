#include "chat/template_json.h"

#include <cctype>
#include <cmath>
#include <cstdio>

#include "chat/template_error.h"
#include "tokenizer/utf8.h"

namespace chord::jinja {

namespace {

void append_json_string(std::string& out, const std::string& s) {
    out += '"';
    for (char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
                    out += buf;
                } else {
                    out += c;
                }
        }
    }
    out += '"';
}

void write(std::string& out, const Value& v, int indent, int level) {
    auto newline = [&](int lvl) {
        if (indent < 0) return;
        out += '\n';
        out.append(static_cast<size_t>(indent * lvl), ' ');
    };
    const char* item_sep = indent < 0 ? ", " : ",";
    switch (v.kind()) {
        case Value::Kind::None: out += "null"; return;
        case Value::Kind::Bool: out += v.as_bool() ? "true" : "false"; return;
        case Value::Kind::Int: out += std::to_string(v.as_int()); return;
        case Value::Kind::Float: {
            const double d = v.as_float();
            out += std::isnan(d) ? "NaN" : std::isinf(d) ? (d > 0 ? "Infinity" : "-Infinity") : python_float_repr(d);
            return;
        }
        case Value::Kind::String: append_json_string(out, v.as_string()); return;
        case Value::Kind::List: {
            const ValueList& l = v.as_list();
            if (l.empty()) { out += "[]"; return; }
            out += '[';
            for (size_t i = 0; i < l.size(); ++i) {
                if (i) out += item_sep;
                newline(level + 1);
                write(out, l[i], indent, level + 1);
            }
            newline(level);
            out += ']';
            return;
        }
        case Value::Kind::Dict: {
            const Dict& d = v.as_dict();
            if (d.items.empty()) { out += "{}"; return; }
            out += '{';
            for (size_t i = 0; i < d.items.size(); ++i) {
                if (i) out += item_sep;
                newline(level + 1);
                append_json_string(out, d.items[i].first);
                out += ": ";
                write(out, d.items[i].second, indent, level + 1);
            }
            newline(level);
            out += '}';
            return;
        }
        default: throw TemplateError(std::string("Object of type ") + v.type_name() + " is not JSON serializable");
    }
}

class JsonParser {
public:
    explicit JsonParser(std::string_view s) : s_(s) {}
    Value document() {
        Value v = value(0);
        skip_ws();
        if (i_ != s_.size()) fail("trailing characters");
        return v;
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw TemplateError("JSON: " + what + " at offset " + std::to_string(i_));
    }
    void skip_ws() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
    }
    bool take(char c) {
        skip_ws();
        if (i_ < s_.size() && s_[i_] == c) { ++i_; return true; }
        return false;
    }
    bool take_word(std::string_view w) {
        if (s_.substr(i_, w.size()) != w) return false;
        i_ += w.size();
        return true;
    }
    uint32_t hex4() {
        if (i_ + 4 > s_.size()) fail("truncated \\u escape");
        uint32_t cp = 0;
        for (int k = 0; k < 4; ++k) {
            const char c = s_[i_++];
            cp <<= 4;
            if (c >= '0' && c <= '9') cp |= static_cast<uint32_t>(c - '0');
            else if (c >= 'a' && c <= 'f') cp |= static_cast<uint32_t>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') cp |= static_cast<uint32_t>(c - 'A' + 10);
            else fail("bad \\u escape");
        }
        return cp;
    }
    std::string string() {
        std::string out;
        while (true) {
            if (i_ >= s_.size()) fail("unterminated string");
            const char c = s_[i_++];
            if (c == '"') return out;
            if (c != '\\') { out += c; continue; }
            if (i_ >= s_.size()) fail("unterminated string");
            const char e = s_[i_++];
            switch (e) {
                case '"': out += '"'; break;
                case '\\': out += '\\'; break;
                case '/': out += '/'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'n': out += '\n'; break;
                case 'r': out += '\r'; break;
                case 't': out += '\t'; break;
                case 'u': {
                    uint32_t cp = hex4();
                    if (cp >= 0xD800 && cp < 0xDC00 && s_.substr(i_, 2) == "\\u") {
                        i_ += 2;
                        const uint32_t low = hex4();
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    }
                    tokenizer::append_utf8(out, cp);
                    break;
                }
                default: fail("bad escape");
            }
        }
    }
    Value number() {
        const size_t start = i_;
        bool is_float = false;
        if (s_[i_] == '-') ++i_;
        while (i_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[i_])) || s_[i_] == '.' || s_[i_] == 'e' ||
                                  s_[i_] == 'E' || s_[i_] == '+' || s_[i_] == '-')) {
            if (!std::isdigit(static_cast<unsigned char>(s_[i_]))) is_float = true;
            ++i_;
        }
        const std::string text(s_.substr(start, i_ - start));
        try {
            if (!is_float) return Value(static_cast<int64_t>(std::stoll(text)));
            return Value(std::stod(text));
        } catch (const std::exception&) {
            fail("bad number '" + text + "'");
        }
    }
    Value value(int depth) {
        if (depth > 200) fail("nested too deeply");
        skip_ws();
        if (i_ >= s_.size()) fail("unexpected end");
        const char c = s_[i_];
        if (c == '{') {
            ++i_;
            Dict d;
            if (take('}')) return Value(std::move(d));
            do {
                if (!take('"')) fail("expected a key");
                std::string key = string();
                if (!take(':')) fail("expected ':'");
                d.set(key, value(depth + 1));
            } while (take(','));
            if (!take('}')) fail("expected '}'");
            return Value(std::move(d));
        }
        if (c == '[') {
            ++i_;
            ValueList l;
            if (take(']')) return Value(std::move(l));
            do l.push_back(value(depth + 1));
            while (take(','));
            if (!take(']')) fail("expected ']'");
            return Value(std::move(l));
        }
        if (c == '"') { ++i_; return Value(string()); }
        if (take_word("true")) return Value(true);
        if (take_word("false")) return Value(false);
        if (take_word("null")) return Value::none();
        if (c == '-' || std::isdigit(static_cast<unsigned char>(c))) return number();
        fail("unexpected character");
    }

    std::string_view s_;
    size_t i_ = 0;
};

}  // namespace

std::string to_json(const Value& v, int indent) {
    std::string out;
    write(out, v, indent, 0);
    return out;
}

Value parse_json(std::string_view text) { return JsonParser(text).document(); }

}  // namespace chord::jinja
