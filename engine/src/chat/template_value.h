#pragma once
// Values of the chat-template language: Python's types as Jinja sees them (None, bool, int, float, str,
// list, dict with insertion order, namespace, callable) plus Jinja's Undefined. Lists and dicts are
// immutable once built (Hugging Face renders with ImmutableSandboxedEnvironment); only a namespace()
// can be assigned to.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chord::jinja {

class Value;
struct CallArgs;
using ValueList = std::vector<Value>;

// A str-keyed dict that keeps insertion order (Python 3.7+ semantics, which tojson output depends on).
struct Dict {
    std::vector<std::pair<std::string, Value>> items;
    const Value* find(std::string_view key) const;
    void set(const std::string& key, Value value);
};

using NativeFunction = std::function<Value(CallArgs& args)>;

class Value {
public:
    enum class Kind { Undefined, None, Bool, Int, Float, String, List, Dict, Namespace, Function };

    Value() = default;  // Undefined
    static Value undefined(std::string name = {});
    static Value none();
    Value(bool b);
    Value(int64_t i);
    Value(int i) : Value(static_cast<int64_t>(i)) {}
    Value(double d);
    Value(std::string s);
    Value(const char* s) : Value(std::string(s)) {}
    Value(ValueList list);
    Value(Dict dict);
    static Value namespace_of(Dict dict);
    static Value function(std::string name, NativeFunction fn);

    Kind kind() const { return kind_; }
    bool is_undefined() const { return kind_ == Kind::Undefined; }
    bool is_none() const { return kind_ == Kind::None; }
    bool is_string() const { return kind_ == Kind::String; }
    bool is_number() const { return kind_ == Kind::Int || kind_ == Kind::Float || kind_ == Kind::Bool; }
    bool is_list() const { return kind_ == Kind::List; }
    bool is_mapping() const { return kind_ == Kind::Dict || kind_ == Kind::Namespace; }
    bool is_callable() const { return kind_ == Kind::Function; }

    bool as_bool() const { return b_; }
    int64_t as_int() const;   // bool and int; float truncates
    double as_float() const;  // any number
    const std::string& as_string() const { return *s_; }
    const ValueList& as_list() const { return *list_; }
    const Dict& as_dict() const { return *dict_; }
    Dict& namespace_dict() const { return *dict_; }  // namespaces are the one mutable value
    const NativeFunction& as_function() const { return *fn_; }
    const std::string& name() const { return *s_; }  // Undefined: the missing name; Function: its name

    bool truthy() const;             // Python's bool()
    std::string str() const;         // Python's str(), with Undefined → ""
    std::string repr() const;        // Python's repr() (what str() of a list shows for its items)
    const char* type_name() const;   // for error messages

    // The items a `for` loop visits: list items, dict keys, string characters.
    ValueList iterate() const;

    // Lists and dicts nested in one another: bounded so printing or comparing a value cannot exhaust
    // the stack (a constructor throws TemplateError past kMaxDepth).
    static constexpr int kMaxDepth = 64;
    int depth() const { return depth_; }
    bool contains_namespace() const;

private:
    Kind kind_ = Kind::Undefined;
    int depth_ = 0;
    bool b_ = false;
    int64_t i_ = 0;
    double d_ = 0.0;
    std::shared_ptr<const std::string> s_;
    std::shared_ptr<const ValueList> list_;
    std::shared_ptr<Dict> dict_;
    std::shared_ptr<const NativeFunction> fn_;
};

// Python's == for the types above (1 == 1.0 == True; lists and dicts element-wise).
bool values_equal(const Value& a, const Value& b);
// Python's <, for numbers, strings and lists; throws TemplateError for other pairs.
bool values_less(const Value& a, const Value& b);

// Python's repr() of a float ("1.0", "0.1", "1e-05").
std::string python_float_repr(double d);

}  // namespace chord::jinja

namespace chord::jinja {

// Arguments of a call: f(a, b, key=c).
struct CallArgs {
    ValueList positional;
    std::vector<std::pair<std::string, Value>> keyword;
    // The argument at position i, else the keyword `name`, else fallback (Python's parameter binding).
    Value get(size_t i, std::string_view name, Value fallback = {}) const;
};

}  // namespace chord::jinja
