#pragma once
// The built-ins a chat template can reach: filters, tests, global functions, and the attributes and
// methods of values (str.strip, dict.items…), each mirroring Jinja/Python behaviour.
#include <optional>
#include <string>

#include "chat/template_value.h"

namespace chord::jinja {

class Interpreter;

// Filters (x | name(args)); nullopt when no such filter exists.
std::optional<Value> call_filter(Interpreter& in, const std::string& name, const Value& input, const CallArgs& args);
// Tests (x is name(args)); nullopt when no such test exists.
std::optional<bool> call_test(const std::string& name, const Value& input, const CallArgs& args);
// range, namespace, dict, raise_exception, strftime_now; Undefined for other names.
Value global_function(const std::string& name);

// obj.name: dict methods and keys, str methods, namespace attributes. Undefined when absent.
Value get_attribute(const Value& obj, const std::string& name);
// obj[key]: list/str index (negative from the end), dict key, then attribute. Undefined when absent.
Value get_item(const Value& obj, const Value& key);
// obj[start:stop:step] for lists and strings (null pointers: omitted).
Value get_slice(const Value& obj, const Value* start, const Value* stop, const Value* step);

// Python's str.strip family and str.split, shared by methods and filters.
std::string python_strip(const std::string& s, const Value& chars, bool left, bool right);
ValueList python_split(const std::string& s, const Value& sep, int64_t maxsplit);

}  // namespace chord::jinja
