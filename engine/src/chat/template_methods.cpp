// Attribute, item and slice access, and the str/dict methods templates call (Python semantics).
#include <algorithm>
#include <cctype>

#include "chat/template_builtins.h"
#include "chat/template_error.h"
#include "chat/utf8_chars.h"

namespace chord::jinja {

namespace {

bool is_python_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || (c >= '\x1c' && c <= '\x1f');
}

std::string ascii_upper(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

std::string ascii_lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

int64_t normalize_index(int64_t i, int64_t size) { return i < 0 ? i + size : i; }

bool prefix_match(const std::string& s, const Value& prefix, bool at_end) {
    auto one = [&](const Value& p) {
        if (!p.is_string()) throw TemplateError("startswith/endswith needs a string or a tuple of strings");
        const std::string& x = p.as_string();
        if (x.size() > s.size()) return false;
        return at_end ? s.compare(s.size() - x.size(), x.size(), x) == 0 : s.compare(0, x.size(), x) == 0;
    };
    if (prefix.is_list()) return std::any_of(prefix.as_list().begin(), prefix.as_list().end(), one);
    return one(prefix);
}

// "{} and {}".format(a, b) and "{0}" — positional fields only, which is what templates use.
std::string python_format(const std::string& fmt, const CallArgs& args) {
    std::string out;
    size_t next = 0;
    for (size_t i = 0; i < fmt.size(); ++i) {
        if (fmt[i] == '{' && i + 1 < fmt.size() && fmt[i + 1] == '{') { out += '{'; ++i; continue; }
        if (fmt[i] == '}' && i + 1 < fmt.size() && fmt[i + 1] == '}') { out += '}'; ++i; continue; }
        if (fmt[i] != '{') { out += fmt[i]; continue; }
        const size_t close = fmt.find('}', i);
        if (close == std::string::npos) throw TemplateError("format: unmatched '{'");
        const std::string field = fmt.substr(i + 1, close - i - 1);
        Value v;
        if (field.empty()) v = args.get(next++, "");
        else if (std::all_of(field.begin(), field.end(), ::isdigit)) v = args.get(std::stoul(field), "");
        else v = args.get(SIZE_MAX, field);
        if (v.is_undefined()) throw TemplateError("format: no value for {" + field + "}");
        out += v.str();
        i = close;
    }
    return out;
}

Value string_method(const std::string& s, const std::string& name) {
    auto method = [&](auto fn) { return Value::function("str." + name, [s, fn](CallArgs& a) { return fn(s, a); }); };
    if (name == "strip") return method([](const std::string& x, CallArgs& a) { return Value(python_strip(x, a.get(0, "chars"), true, true)); });
    if (name == "lstrip") return method([](const std::string& x, CallArgs& a) { return Value(python_strip(x, a.get(0, "chars"), true, false)); });
    if (name == "rstrip") return method([](const std::string& x, CallArgs& a) { return Value(python_strip(x, a.get(0, "chars"), false, true)); });
    if (name == "split")
        return method([](const std::string& x, CallArgs& a) {
            const Value max = a.get(1, "maxsplit", Value(int64_t{-1}));
            return Value(python_split(x, a.get(0, "sep"), max.as_int()));
        });
    if (name == "startswith") return method([](const std::string& x, CallArgs& a) { return Value(prefix_match(x, a.get(0, "prefix"), false)); });
    if (name == "endswith") return method([](const std::string& x, CallArgs& a) { return Value(prefix_match(x, a.get(0, "suffix"), true)); });
    if (name == "upper") return method([](const std::string& x, CallArgs&) { return Value(ascii_upper(x)); });
    if (name == "lower") return method([](const std::string& x, CallArgs&) { return Value(ascii_lower(x)); });
    if (name == "capitalize")
        return method([](const std::string& x, CallArgs&) {
            std::string r = ascii_lower(x);
            if (!r.empty()) r[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(r[0])));
            return Value(r);
        });
    if (name == "title")
        return method([](const std::string& x, CallArgs&) {
            std::string r = x;
            bool prev_cased = false;
            for (char& c : r) {
                const bool alpha = std::isalpha(static_cast<unsigned char>(c)) != 0;
                c = static_cast<char>(prev_cased ? std::tolower(static_cast<unsigned char>(c))
                                                 : std::toupper(static_cast<unsigned char>(c)));
                prev_cased = alpha;
            }
            return Value(r);
        });
    if (name == "replace")
        return method([](const std::string& x, CallArgs& a) {
            const Value from = a.get(0, "old"), to = a.get(1, "new");
            if (!from.is_string() || !to.is_string()) throw TemplateError("replace needs two strings");
            int64_t count = a.get(2, "count", Value(int64_t{-1})).as_int();
            const std::string& f = from.as_string();
            std::string out;
            size_t pos = 0;
            if (f.empty()) return Value(x);
            for (size_t at; count != 0 && (at = x.find(f, pos)) != std::string::npos; --count) {
                out += x.substr(pos, at - pos) + to.as_string();
                pos = at + f.size();
            }
            return Value(out + x.substr(pos));
        });
    if (name == "find")
        return method([](const std::string& x, CallArgs& a) {
            const size_t at = x.find(a.get(0, "sub").str());
            return Value(at == std::string::npos ? int64_t{-1} : static_cast<int64_t>(utf8_chars(x.substr(0, at)).size()));
        });
    if (name == "count")
        return method([](const std::string& x, CallArgs& a) {
            const std::string sub = a.get(0, "sub").str();
            if (sub.empty()) return Value(static_cast<int64_t>(utf8_chars(x).size() + 1));
            int64_t n = 0;
            for (size_t at = x.find(sub); at != std::string::npos; at = x.find(sub, at + sub.size())) ++n;
            return Value(n);
        });
    if (name == "join")
        return method([](const std::string& x, CallArgs& a) {
            std::string out;
            const ValueList items = a.get(0, "iterable").iterate();
            for (size_t i = 0; i < items.size(); ++i) {
                if (!items[i].is_string()) throw TemplateError("str.join expects strings");
                out += (i ? x : "") + items[i].as_string();
            }
            return Value(out);
        });
    if (name == "splitlines")
        return method([](const std::string& x, CallArgs&) {
            ValueList lines;
            size_t start = 0;
            for (size_t i = 0; i < x.size(); ++i) {
                if (x[i] == '\n' || x[i] == '\r') {
                    lines.emplace_back(x.substr(start, i - start));
                    if (x[i] == '\r' && i + 1 < x.size() && x[i + 1] == '\n') ++i;
                    start = i + 1;
                }
            }
            if (start < x.size()) lines.emplace_back(x.substr(start));
            return Value(std::move(lines));
        });
    if (name == "format") return method([](const std::string& x, CallArgs& a) { return Value(python_format(x, a)); });
    if (name == "isdigit")
        return method([](const std::string& x, CallArgs&) {
            return Value(!x.empty() && std::all_of(x.begin(), x.end(), [](char c) { return c >= '0' && c <= '9'; }));
        });
    if (name == "isspace")
        return method([](const std::string& x, CallArgs&) { return Value(!x.empty() && std::all_of(x.begin(), x.end(), is_python_space)); });
    return Value::undefined(name);
}

Value dict_method(const Value& obj, const std::string& name) {
    if (name == "items")
        return Value::function("dict.items", [obj](CallArgs&) {
            ValueList pairs;
            for (const auto& [k, v] : obj.as_dict().items) pairs.emplace_back(ValueList{Value(k), v});
            return Value(std::move(pairs));
        });
    if (name == "keys")
        return Value::function("dict.keys", [obj](CallArgs&) {
            ValueList keys;
            for (const auto& item : obj.as_dict().items) keys.emplace_back(item.first);
            return Value(std::move(keys));
        });
    if (name == "values")
        return Value::function("dict.values", [obj](CallArgs&) {
            ValueList values;
            for (const auto& item : obj.as_dict().items) values.push_back(item.second);
            return Value(std::move(values));
        });
    if (name == "get")
        return Value::function("dict.get", [obj](CallArgs& a) {
            const Value key = a.get(0, "key");
            const Value* v = key.is_string() ? obj.as_dict().find(key.as_string()) : nullptr;
            return v ? *v : a.get(1, "default", Value::none());
        });
    return Value::undefined(name);
}

}  // namespace

std::string python_strip(const std::string& s, const Value& chars, bool left, bool right) {
    auto strip_this = [&](char c) {
        if (chars.is_undefined() || chars.is_none()) return is_python_space(c);
        return chars.str().find(c) != std::string::npos;
    };
    size_t begin = 0, end = s.size();
    if (left)
        while (begin < end && strip_this(s[begin])) ++begin;
    if (right)
        while (end > begin && strip_this(s[end - 1])) --end;
    return s.substr(begin, end - begin);
}

ValueList python_split(const std::string& s, const Value& sep, int64_t maxsplit) {
    ValueList parts;
    if (sep.is_undefined() || sep.is_none()) {
        size_t i = 0;
        while (true) {
            while (i < s.size() && is_python_space(s[i])) ++i;
            if (i >= s.size()) break;
            if (maxsplit >= 0 && static_cast<int64_t>(parts.size()) == maxsplit) {
                size_t end = s.size();
                while (end > i && is_python_space(s[end - 1])) --end;
                parts.emplace_back(s.substr(i, end - i));
                break;
            }
            size_t j = i;
            while (j < s.size() && !is_python_space(s[j])) ++j;
            parts.emplace_back(s.substr(i, j - i));
            i = j;
        }
        return parts;
    }
    const std::string d = sep.str();
    if (d.empty()) throw TemplateError("split: empty separator");
    size_t pos = 0;
    for (size_t at; (maxsplit < 0 || static_cast<int64_t>(parts.size()) < maxsplit) &&
                    (at = s.find(d, pos)) != std::string::npos;) {
        parts.emplace_back(s.substr(pos, at - pos));
        pos = at + d.size();
    }
    parts.emplace_back(s.substr(pos));
    return parts;
}

Value get_attribute(const Value& obj, const std::string& name) {
    switch (obj.kind()) {
        case Value::Kind::String: return string_method(obj.as_string(), name);
        case Value::Kind::Dict: {
            Value m = dict_method(obj, name);
            if (!m.is_undefined()) return m;
            const Value* v = obj.as_dict().find(name);
            return v ? *v : Value::undefined(name);
        }
        case Value::Kind::Namespace: {
            const Value* v = obj.as_dict().find(name);
            return v ? *v : Value::undefined(name);
        }
        default: return Value::undefined(name);
    }
}

Value get_item(const Value& obj, const Value& key) {
    if ((obj.is_list() || obj.is_string()) && key.is_number() && key.kind() != Value::Kind::Float) {
        if (obj.is_list()) {
            const ValueList& l = obj.as_list();
            const int64_t i = normalize_index(key.as_int(), static_cast<int64_t>(l.size()));
            return i >= 0 && i < static_cast<int64_t>(l.size()) ? l[static_cast<size_t>(i)] : Value::undefined();
        }
        const std::vector<std::string> chars = utf8_chars(obj.as_string());
        const int64_t i = normalize_index(key.as_int(), static_cast<int64_t>(chars.size()));
        return i >= 0 && i < static_cast<int64_t>(chars.size()) ? Value(chars[static_cast<size_t>(i)]) : Value::undefined();
    }
    if (obj.is_mapping() && key.is_string()) {
        const Value* v = obj.as_dict().find(key.as_string());
        if (v) return *v;
    }
    return key.is_string() ? get_attribute(obj, key.as_string()) : Value::undefined();
}

Value get_slice(const Value& obj, const Value* start_v, const Value* stop_v, const Value* step_v) {
    if (!obj.is_list() && !obj.is_string()) throw TemplateError(std::string("'") + obj.type_name() + "' cannot be sliced");
    std::vector<std::string> chars;
    if (obj.is_string()) chars = utf8_chars(obj.as_string());
    const int64_t n = obj.is_list() ? static_cast<int64_t>(obj.as_list().size()) : static_cast<int64_t>(chars.size());
    auto given = [](const Value* v) { return v && !v->is_none() && !v->is_undefined(); };
    const int64_t step = given(step_v) ? step_v->as_int() : 1;
    if (step == 0) throw TemplateError("slice step cannot be zero");
    // Python's slice.indices().
    auto clamp = [&](const Value* v, int64_t fallback) {
        if (!given(v)) return fallback;
        int64_t i = v->as_int();
        if (i < 0) i = std::max<int64_t>(i + n, step < 0 ? -1 : 0);
        else i = std::min<int64_t>(i, step < 0 ? n - 1 : n);
        return i;
    };
    const int64_t start = clamp(start_v, step < 0 ? n - 1 : 0);
    const int64_t stop = clamp(stop_v, step < 0 ? -1 : n);
    ValueList items;
    std::string text;
    for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step) {
        if (obj.is_list()) items.push_back(obj.as_list()[static_cast<size_t>(i)]);
        else text += chars[static_cast<size_t>(i)];
    }
    return obj.is_list() ? Value(std::move(items)) : Value(std::move(text));
}

}  // namespace chord::jinja
