// Jinja's built-in filters and tests, as chat templates use them.
#include <algorithm>
#include <cctype>
#include <cmath>

#include "chat/template_builtins.h"
#include "chat/template_error.h"
#include "chat/template_interpreter.h"
#include "chat/template_json.h"
#include "chat/utf8_chars.h"

namespace chord::jinja {

namespace {

int64_t length_of(const Value& v) {
    switch (v.kind()) {
        case Value::Kind::Undefined: return 0;
        case Value::Kind::String: return static_cast<int64_t>(utf8_chars(v.as_string()).size());
        case Value::Kind::List: return static_cast<int64_t>(v.as_list().size());
        case Value::Kind::Dict:
        case Value::Kind::Namespace: return static_cast<int64_t>(v.as_dict().items.size());
        default: throw TemplateError(std::string("object of type '") + v.type_name() + "' has no len()");
    }
}

// Jinja's attribute lookup for filters: "a.b" walks nested attributes, digits index lists.
Value attribute_path(const Value& v, const std::string& path) {
    Value cur = v;
    size_t start = 0;
    while (start <= path.size()) {
        const size_t dot = std::min(path.find('.', start), path.size());
        const std::string part = path.substr(start, dot - start);
        const bool numeric = !part.empty() && std::all_of(part.begin(), part.end(), ::isdigit);
        cur = numeric ? get_item(cur, Value(static_cast<int64_t>(std::stoll(part)))) : get_item(cur, Value(part));
        start = dot + 1;
    }
    return cur;
}

std::string ascii_lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// Sort key: strings compared case-insensitively unless asked otherwise (Jinja's ignore_case).
Value sort_key(const Value& v, bool case_sensitive) {
    return v.is_string() && !case_sensitive ? Value(ascii_lower(v.as_string())) : v;
}

CallArgs shift_args(const CallArgs& args, size_t n) {
    CallArgs rest;
    rest.positional.assign(args.positional.begin() + static_cast<std::ptrdiff_t>(std::min(n, args.positional.size())),
                           args.positional.end());
    rest.keyword = args.keyword;
    return rest;
}

std::string html_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&#34;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string jinja_title(const std::string& s) {
    // Words start after '-', whitespace or an opening bracket; each word's first char upper, rest lower.
    std::string out = s;
    bool word_start = true;
    for (char& c : out) {
        const bool sep = c == '-' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '(' || c == '{' ||
                         c == '[' || c == '<';
        if (sep) {
            word_start = true;
            continue;
        }
        c = static_cast<char>(word_start ? std::toupper(static_cast<unsigned char>(c)) : std::tolower(static_cast<unsigned char>(c)));
        word_start = false;
    }
    return out;
}

std::string indent(const std::string& text, const Value& width, bool first, bool blank) {
    const std::string pad = width.is_string() ? width.as_string() : std::string(static_cast<size_t>(std::max<int64_t>(0, width.as_int())), ' ');
    std::vector<std::string> lines;
    {
        const std::string s = text + "\n";
        size_t start = 0;
        for (size_t i = 0; i < s.size(); ++i)
            if (s[i] == '\n') {
                lines.push_back(s.substr(start, i - start));
                start = i + 1;
            }
    }
    std::string out;
    for (size_t i = 0; i < lines.size(); ++i) {
        if (i > 0) out += "\n";
        if (i > 0 && (blank || !lines[i].empty())) out += pad;
        out += lines[i];
    }
    return first ? pad + out : out;
}

Value to_int(const Value& v, const Value& fallback) {
    if (v.is_number()) return Value(v.as_int());
    if (v.is_string()) {
        const std::string s = python_strip(v.as_string(), Value(), true, true);
        try {
            size_t used = 0;
            const long long i = std::stoll(s, &used, 10);
            if (used == s.size()) return Value(static_cast<int64_t>(i));
            const double d = std::stod(s, &used);
            if (used == s.size()) return Value(static_cast<int64_t>(d));
        } catch (const std::exception&) {
        }
    }
    return fallback;
}

Value to_float(const Value& v, const Value& fallback) {
    if (v.is_number()) return Value(v.as_float());
    if (v.is_string()) {
        try {
            size_t used = 0;
            const std::string s = python_strip(v.as_string(), Value(), true, true);
            const double d = std::stod(s, &used);
            if (used == s.size()) return Value(d);
        } catch (const std::exception&) {
        }
    }
    return fallback;
}

}  // namespace

std::optional<Value> call_filter(Interpreter& in, const std::string& name, const Value& v, const CallArgs& a) {
    if (name == "trim") return Value(python_strip(v.str(), a.get(0, "chars"), true, true));
    if (name == "length" || name == "count") return Value(length_of(v));
    if (name == "tojson") {
        const Value ind = a.get(0, "indent");
        return Value(to_json(v, ind.is_number() ? static_cast<int>(ind.as_int()) : -1));
    }
    if (name == "upper" || name == "lower") {
        std::string s = v.str();
        for (char& c : s)
            c = static_cast<char>(name == "upper" ? std::toupper(static_cast<unsigned char>(c)) : std::tolower(static_cast<unsigned char>(c)));
        return Value(s);
    }
    if (name == "capitalize") {
        std::string s = ascii_lower(v.str());
        if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
        return Value(s);
    }
    if (name == "title") return Value(jinja_title(v.str()));
    if (name == "string") return Value(v.str());
    if (name == "safe") return v;
    if (name == "e" || name == "escape") return Value(html_escape(v.str()));
    if (name == "default" || name == "d") {
        const bool boolean = a.get(1, "boolean", Value(false)).truthy();
        const bool use_default = v.is_undefined() || (boolean && !v.truthy());
        return use_default ? a.get(0, "default_value", Value(std::string())) : v;
    }
    if (name == "first" || name == "last") {
        const ValueList items = v.iterate();
        if (items.empty()) return Value::undefined(name);
        return name == "first" ? items.front() : items.back();
    }
    if (name == "list") return Value(v.iterate());
    if (name == "join") {
        const Value attr = a.get(1, "attribute");
        std::string out;
        const ValueList items = v.iterate();
        for (size_t i = 0; i < items.size(); ++i) {
            if (i) out += a.get(0, "d", Value(std::string())).str();
            out += (attr.is_undefined() ? items[i] : attribute_path(items[i], attr.str())).str();
        }
        return Value(out);
    }
    if (name == "replace") {
        const std::string s = v.str(), from = a.get(0, "old").str(), to = a.get(1, "new").str();
        int64_t count = a.get(2, "count", Value::none()).is_none() ? -1 : a.get(2, "count").as_int();
        if (from.empty()) return Value(s);
        std::string out;
        size_t pos = 0;
        for (size_t at; count != 0 && (at = s.find(from, pos)) != std::string::npos; --count) {
            out += s.substr(pos, at - pos) + to;
            pos = at + from.size();
        }
        return Value(out + s.substr(pos));
    }
    if (name == "int") return to_int(v, a.get(0, "default", Value(int64_t{0})));
    if (name == "float") return to_float(v, a.get(0, "default", Value(0.0)));
    if (name == "abs") {
        if (!v.is_number()) throw TemplateError("abs needs a number");
        return v.kind() == Value::Kind::Float ? Value(std::fabs(v.as_float())) : Value(static_cast<int64_t>(std::llabs(v.as_int())));
    }
    if (name == "round") {
        const int64_t precision = a.get(0, "precision", Value(int64_t{0})).as_int();
        const std::string method = a.get(1, "method", Value("common")).str();
        const double scale = std::pow(10.0, static_cast<double>(precision));
        const double x = v.as_float() * scale;
        const double r = method == "ceil" ? std::ceil(x) : method == "floor" ? std::floor(x) : std::round(x);
        return Value(r / scale);
    }
    if (name == "reverse") {
        if (v.is_string()) {
            std::vector<std::string> chars = utf8_chars(v.as_string());
            std::string out;
            for (size_t i = chars.size(); i-- > 0;) out += chars[i];
            return Value(out);
        }
        ValueList items = v.iterate();
        std::reverse(items.begin(), items.end());
        return Value(std::move(items));
    }
    if (name == "items") {
        if (v.is_undefined()) return Value(ValueList{});
        if (!v.is_mapping()) throw TemplateError("items needs a mapping");
        ValueList pairs;
        for (const auto& [k, x] : v.as_dict().items) pairs.emplace_back(ValueList{Value(k), x});
        return Value(std::move(pairs));
    }
    if (name == "dictsort") {
        if (!v.is_mapping()) throw TemplateError("dictsort needs a mapping");
        const bool cs = a.get(0, "case_sensitive", Value(false)).truthy();
        const bool by_value = a.get(1, "by", Value("key")).str() == "value";
        const bool rev = a.get(2, "reverse", Value(false)).truthy();
        ValueList pairs;
        for (const auto& [k, x] : v.as_dict().items) pairs.emplace_back(ValueList{Value(k), x});
        std::stable_sort(pairs.begin(), pairs.end(), [&](const Value& p, const Value& q) {
            const size_t i = by_value ? 1 : 0;
            return values_less(sort_key(p.as_list()[i], cs), sort_key(q.as_list()[i], cs));
        });
        if (rev) std::reverse(pairs.begin(), pairs.end());
        return Value(std::move(pairs));
    }
    if (name == "sort") {
        const bool rev = a.get(0, "reverse", Value(false)).truthy();
        const bool cs = a.get(1, "case_sensitive", Value(false)).truthy();
        const Value attr = a.get(2, "attribute");
        ValueList items = v.iterate();
        auto key = [&](const Value& x) { return sort_key(attr.is_undefined() ? x : attribute_path(x, attr.str()), cs); };
        std::stable_sort(items.begin(), items.end(), [&](const Value& p, const Value& q) {
            return rev ? values_less(key(q), key(p)) : values_less(key(p), key(q));
        });
        return Value(std::move(items));
    }
    if (name == "unique") {
        ValueList out;
        for (const Value& x : v.iterate())
            if (std::none_of(out.begin(), out.end(), [&](const Value& y) { return values_equal(x, y); })) out.push_back(x);
        return Value(std::move(out));
    }
    if (name == "sum") {
        const Value attr = a.get(0, "attribute");
        Value total = a.get(1, "start", Value(int64_t{0}));
        for (const Value& x : v.iterate()) {
            const Value item = attr.is_undefined() ? x : attribute_path(x, attr.str());
            if (!item.is_number() || !total.is_number()) throw TemplateError("sum needs numbers");
            total = (item.kind() == Value::Kind::Float || total.kind() == Value::Kind::Float)
                        ? Value(total.as_float() + item.as_float())
                        : Value(total.as_int() + item.as_int());
        }
        return total;
    }
    if (name == "max" || name == "min") {
        const bool cs = a.get(0, "case_sensitive", Value(false)).truthy();
        const Value attr = a.get(1, "attribute");
        const ValueList items = v.iterate();
        if (items.empty()) return Value::undefined(name);
        auto key = [&](const Value& x) { return sort_key(attr.is_undefined() ? x : attribute_path(x, attr.str()), cs); };
        const Value* best = &items[0];
        for (const Value& x : items)
            if (name == "max" ? values_less(key(*best), key(x)) : values_less(key(x), key(*best))) best = &x;
        return *best;
    }
    if (name == "map") {
        ValueList out;
        const Value attr = a.get(SIZE_MAX, "attribute");
        for (const Value& x : v.iterate()) {
            if (!attr.is_undefined()) {
                Value got = attribute_path(x, attr.str());
                out.push_back(got.is_undefined() ? a.get(SIZE_MAX, "default", got) : got);
            } else {
                if (a.positional.empty()) throw TemplateError("map needs a filter name or attribute=");
                out.push_back(in.apply_filter(a.positional[0].str(), x, shift_args(a, 1), 0));
            }
        }
        return Value(std::move(out));
    }
    if (name == "select" || name == "reject" || name == "selectattr" || name == "rejectattr") {
        const bool by_attr = name == "selectattr" || name == "rejectattr";
        const bool keep_matching = name == "select" || name == "selectattr";
        const size_t test_at = by_attr ? 1 : 0;
        ValueList out;
        for (const Value& x : v.iterate()) {
            const Value subject = by_attr ? attribute_path(x, a.get(0, "attribute").str()) : x;
            const bool ok = a.positional.size() > test_at
                                ? in.apply_test(a.positional[test_at].str(), subject, shift_args(a, test_at + 1), 0)
                                : subject.truthy();
            if (ok == keep_matching) out.push_back(x);
        }
        return Value(std::move(out));
    }
    if (name == "attr") return get_attribute(v, a.get(0, "name").str());
    if (name == "indent")
        return Value(indent(v.str(), a.get(0, "width", Value(int64_t{4})), a.get(1, "first", Value(false)).truthy(),
                            a.get(2, "blank", Value(false)).truthy()));
    if (name == "wordcount") return Value(static_cast<int64_t>(python_split(v.str(), Value(), -1).size()));
    if (name == "batch") {
        const int64_t size = a.get(0, "linecount").as_int();
        if (size <= 0) throw TemplateError("batch needs a positive size");
        ValueList out, cur;
        for (const Value& x : v.iterate()) {
            cur.push_back(x);
            if (static_cast<int64_t>(cur.size()) == size) {
                out.emplace_back(std::move(cur));
                cur.clear();
            }
        }
        if (!cur.empty()) out.emplace_back(std::move(cur));
        return Value(std::move(out));
    }
    return std::nullopt;
}

std::optional<bool> call_test(const std::string& name, const Value& v, const CallArgs& a) {
    using K = Value::Kind;
    if (name == "defined") return !v.is_undefined();
    if (name == "undefined") return v.is_undefined();
    if (name == "none") return v.is_none();
    if (name == "string") return v.is_string();
    if (name == "number") return v.kind() == K::Int || v.kind() == K::Float || v.kind() == K::Bool;
    if (name == "integer") return v.kind() == K::Int;
    if (name == "float") return v.kind() == K::Float;
    if (name == "boolean") return v.kind() == K::Bool;
    if (name == "true") return v.kind() == K::Bool && v.as_bool();
    if (name == "false") return v.kind() == K::Bool && !v.as_bool();
    if (name == "mapping") return v.is_mapping();
    if (name == "sequence") return v.is_list() || v.is_string() || v.is_mapping();
    if (name == "iterable") return v.is_list() || v.is_string() || v.is_mapping();
    if (name == "callable") return v.is_callable();
    if (name == "even" || name == "odd") {
        if (!v.is_number()) throw TemplateError("even/odd needs a number");
        return (v.as_int() % 2 == 0) == (name == "even");
    }
    if (name == "divisibleby") {
        const int64_t d = a.get(0, "num").as_int();
        if (d == 0) throw TemplateError("divisibleby 0");
        return v.as_int() % d == 0;
    }
    if (name == "eq" || name == "equalto" || name == "==") return values_equal(v, a.get(0, "other"));
    if (name == "ne" || name == "!=") return !values_equal(v, a.get(0, "other"));
    if (name == "lt" || name == "lessthan" || name == "<") return values_less(v, a.get(0, "other"));
    if (name == "gt" || name == "greaterthan" || name == ">") return values_less(a.get(0, "other"), v);
    if (name == "le" || name == "<=") return !values_less(a.get(0, "other"), v);
    if (name == "ge" || name == ">=") return !values_less(v, a.get(0, "other"));
    if (name == "in") {
        const Value seq = a.get(0, "seq");
        if (seq.is_string()) return v.is_string() && seq.as_string().find(v.as_string()) != std::string::npos;
        if (seq.is_mapping()) return v.is_string() && seq.as_dict().find(v.as_string()) != nullptr;
        for (const Value& x : seq.iterate())
            if (values_equal(v, x)) return true;
        return false;
    }
    if (name == "sameas") {
        const Value other = a.get(0, "other");
        if (v.kind() != other.kind()) return false;
        if (v.is_none() || v.is_undefined()) return true;
        if (v.kind() == K::Bool) return v.as_bool() == other.as_bool();
        return false;
    }
    if (name == "lower" || name == "upper") {
        const std::string s = v.str();
        bool any_cased = false;
        for (char c : s) {
            if (std::isalpha(static_cast<unsigned char>(c))) {
                any_cased = true;
                if ((name == "lower") != (std::islower(static_cast<unsigned char>(c)) != 0)) return false;
            }
        }
        return any_cased;
    }
    if (name == "escaped") return false;
    return std::nullopt;
}

}  // namespace chord::jinja
