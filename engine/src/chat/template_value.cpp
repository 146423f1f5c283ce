#include "chat/template_value.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "chat/template_error.h"
#include "chat/utf8_chars.h"

namespace chord::jinja {

const Value* Dict::find(std::string_view key) const {
    for (const auto& [k, v] : items)
        if (k == key) return &v;
    return nullptr;
}

void Dict::set(const std::string& key, Value value) {
    for (auto& [k, v] : items) {
        if (k == key) {
            v = std::move(value);
            return;
        }
    }
    items.emplace_back(key, std::move(value));
}

Value Value::undefined(std::string name) {
    Value v;
    v.s_ = std::make_shared<const std::string>(std::move(name));
    return v;
}

Value Value::none() {
    Value v;
    v.kind_ = Kind::None;
    return v;
}

Value::Value(bool b) : kind_(Kind::Bool), b_(b), i_(b ? 1 : 0) {}
Value::Value(int64_t i) : kind_(Kind::Int), i_(i) {}
Value::Value(double d) : kind_(Kind::Float), d_(d) {}
Value::Value(std::string s) : kind_(Kind::String), s_(std::make_shared<const std::string>(std::move(s))) {}
namespace {

int checked_depth(int deepest_child) {
    if (deepest_child + 1 > Value::kMaxDepth) throw TemplateError("a value is nested too deeply");
    return deepest_child + 1;
}

}  // namespace

Value::Value(ValueList list) : kind_(Kind::List) {
    int deepest = 0;
    for (const Value& v : list) deepest = std::max(deepest, v.depth_);
    depth_ = checked_depth(deepest);
    list_ = std::make_shared<const ValueList>(std::move(list));
}

Value::Value(Dict dict) : kind_(Kind::Dict) {
    int deepest = 0;
    for (const auto& item : dict.items) deepest = std::max(deepest, item.second.depth_);
    depth_ = checked_depth(deepest);
    dict_ = std::make_shared<Dict>(std::move(dict));
}

bool Value::contains_namespace() const {
    if (kind_ == Kind::Namespace) return true;
    if (kind_ == Kind::List)
        return std::any_of(list_->begin(), list_->end(), [](const Value& v) { return v.contains_namespace(); });
    if (kind_ == Kind::Dict)
        return std::any_of(dict_->items.begin(), dict_->items.end(),
                           [](const auto& item) { return item.second.contains_namespace(); });
    return false;
}

Value Value::namespace_of(Dict dict) {
    Value v(std::move(dict));
    v.kind_ = Kind::Namespace;
    return v;
}

Value Value::function(std::string name, NativeFunction fn) {
    Value v;
    v.kind_ = Kind::Function;
    v.s_ = std::make_shared<const std::string>(std::move(name));
    v.fn_ = std::make_shared<const NativeFunction>(std::move(fn));
    return v;
}

int64_t Value::as_int() const {
    if (kind_ == Kind::Float) return static_cast<int64_t>(d_);
    return i_;
}

double Value::as_float() const { return kind_ == Kind::Float ? d_ : static_cast<double>(i_); }

bool Value::truthy() const {
    switch (kind_) {
        case Kind::Undefined:
        case Kind::None: return false;
        case Kind::Bool: return b_;
        case Kind::Int: return i_ != 0;
        case Kind::Float: return d_ != 0.0;
        case Kind::String: return !s_->empty();
        case Kind::List: return !list_->empty();
        case Kind::Dict: return !dict_->items.empty();
        case Kind::Namespace:
        case Kind::Function: return true;
    }
    return false;
}

const char* Value::type_name() const {
    switch (kind_) {
        case Kind::Undefined: return "undefined";
        case Kind::None: return "NoneType";
        case Kind::Bool: return "bool";
        case Kind::Int: return "int";
        case Kind::Float: return "float";
        case Kind::String: return "str";
        case Kind::List: return "list";
        case Kind::Dict: return "dict";
        case Kind::Namespace: return "Namespace";
        case Kind::Function: return "function";
    }
    return "?";
}

std::string python_float_repr(double d) {
    if (std::isnan(d)) return "nan";
    if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
    // Shortest round-trip digits in scientific form, then laid out the way Python's repr does:
    // positional for exponents in [-4, 16), scientific with a two-digit exponent otherwise.
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    std::string sci(buf, res.ptr);
    const size_t e = sci.find('e');
    std::string mantissa = sci.substr(0, e);
    const int exp = std::stoi(sci.substr(e + 1));
    const bool negative = mantissa[0] == '-';
    if (negative) mantissa.erase(0, 1);
    std::string digits;
    for (char c : mantissa)
        if (c != '.') digits += c;
    std::string out = negative ? "-" : "";
    if (exp >= 0 && exp < 16) {
        const auto int_digits = static_cast<size_t>(exp) + 1;
        if (digits.size() <= int_digits) {
            out.append(digits).append(int_digits - digits.size(), '0').append(".0");
        } else {
            out.append(digits, 0, int_digits).append(1, '.').append(digits, int_digits, std::string::npos);
        }
    } else if (exp < 0 && exp >= -4) {
        out.append("0.").append(static_cast<size_t>(-exp - 1), '0').append(digits);
    } else {
        out.append(digits, 0, 1);
        if (digits.size() > 1) out.append(1, '.').append(digits, 1, std::string::npos);
        char ebuf[16];
        std::snprintf(ebuf, sizeof ebuf, "e%c%02d", exp < 0 ? '-' : '+', std::abs(exp));
        out.append(ebuf);
    }
    return out;
}

namespace {

std::string python_string_repr(const std::string& s) {
    const bool has_single = s.find('\'') != std::string::npos;
    const bool has_double = s.find('"') != std::string::npos;
    const char quote = has_single && !has_double ? '"' : '\'';
    std::string out(1, quote);
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (c == quote || c == '\\') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == '\t') {
            out += "\\t";
        } else if (u < 0x20 || u == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", u);
            out += buf;
        } else {
            out += c;
        }
    }
    out += quote;
    return out;
}

}  // namespace

std::string Value::str() const {
    switch (kind_) {
        case Kind::Undefined: return {};
        case Kind::None: return "None";
        case Kind::Bool: return b_ ? "True" : "False";
        case Kind::Int: return std::to_string(i_);
        case Kind::Float: return python_float_repr(d_);
        case Kind::String: return *s_;
        case Kind::List: {
            std::string out = "[";
            for (size_t i = 0; i < list_->size(); ++i) out += (i ? ", " : "") + (*list_)[i].repr();
            return out + "]";
        }
        case Kind::Dict:
        case Kind::Namespace: {
            std::string out = kind_ == Kind::Namespace ? "<Namespace {" : "{";
            for (size_t i = 0; i < dict_->items.size(); ++i)
                out += (i ? ", " : "") + python_string_repr(dict_->items[i].first) + ": " + dict_->items[i].second.repr();
            return out + (kind_ == Kind::Namespace ? "}>" : "}");
        }
        case Kind::Function: return "<function " + *s_ + ">";
    }
    return {};
}

std::string Value::repr() const {
    if (kind_ == Kind::String) return python_string_repr(*s_);
    if (kind_ == Kind::Undefined) return "Undefined";
    return str();
}

ValueList Value::iterate() const {
    switch (kind_) {
        case Kind::Undefined: return {};
        case Kind::List: return *list_;
        case Kind::Dict: {
            ValueList keys;
            for (const auto& item : dict_->items) keys.emplace_back(item.first);
            return keys;
        }
        case Kind::String: {
            ValueList chars;
            for (const std::string& c : utf8_chars(*s_)) chars.emplace_back(c);
            return chars;
        }
        default: throw TemplateError(std::string("'") + type_name() + "' object is not iterable");
    }
}

bool values_equal(const Value& a, const Value& b) {
    if (a.is_number() && b.is_number()) {
        if (a.kind() == Value::Kind::Float || b.kind() == Value::Kind::Float) return a.as_float() == b.as_float();
        return a.as_int() == b.as_int();
    }
    if (a.kind() != b.kind()) return false;
    switch (a.kind()) {
        case Value::Kind::Undefined:
        case Value::Kind::None: return true;
        case Value::Kind::String: return a.as_string() == b.as_string();
        case Value::Kind::List: {
            const ValueList &x = a.as_list(), &y = b.as_list();
            if (x.size() != y.size()) return false;
            for (size_t i = 0; i < x.size(); ++i)
                if (!values_equal(x[i], y[i])) return false;
            return true;
        }
        case Value::Kind::Dict: {
            const Dict &x = a.as_dict(), &y = b.as_dict();
            if (x.items.size() != y.items.size()) return false;
            for (const auto& [k, v] : x.items) {
                const Value* other = y.find(k);
                if (!other || !values_equal(v, *other)) return false;
            }
            return true;
        }
        default: return &a.namespace_dict() == &b.namespace_dict();
    }
}

bool values_less(const Value& a, const Value& b) {
    if (a.is_number() && b.is_number()) {
        if (a.kind() == Value::Kind::Float || b.kind() == Value::Kind::Float) return a.as_float() < b.as_float();
        return a.as_int() < b.as_int();
    }
    if (a.is_string() && b.is_string()) return a.as_string() < b.as_string();
    if (a.is_list() && b.is_list()) {
        return std::lexicographical_compare(a.as_list().begin(), a.as_list().end(), b.as_list().begin(),
                                            b.as_list().end(), values_less);
    }
    throw TemplateError(std::string("'<' not supported between '") + a.type_name() + "' and '" + b.type_name() + "'");
}

Value CallArgs::get(size_t i, std::string_view name, Value fallback) const {
    if (i < positional.size()) return positional[i];
    for (const auto& [k, v] : keyword)
        if (k == name) return v;
    return fallback;
}

}  // namespace chord::jinja
