// Global functions a chat template may call: Jinja's range/namespace/dict and Hugging Face's
// raise_exception and strftime_now.
#include <ctime>

#include "chat/template_builtins.h"
#include "chat/template_error.h"

namespace chord::jinja {

namespace {

constexpr int64_t kMaxRange = 1'000'000;  // a range() a chat template could need, with room to spare

Value range(CallArgs& a) {
    for (const Value& v : a.positional)
        if (v.kind() != Value::Kind::Int && v.kind() != Value::Kind::Bool) throw TemplateError("range needs integers");
    int64_t start = 0, stop = 0, step = 1;
    if (a.positional.size() == 1) {
        stop = a.positional[0].as_int();
    } else if (a.positional.size() >= 2) {
        start = a.positional[0].as_int();
        stop = a.positional[1].as_int();
        if (a.positional.size() > 2) step = a.positional[2].as_int();
    } else {
        throw TemplateError("range needs at least one argument");
    }
    if (step == 0) throw TemplateError("range step cannot be zero");
    ValueList out;
    const int64_t count = step > 0 ? (stop - start + step - 1) / step : (start - stop - step - 1) / -step;
    if (count > kMaxRange) throw TemplateError("range too large");
    if (count > 0) out.reserve(static_cast<size_t>(count));
    for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step) {
        if (static_cast<int64_t>(out.size()) >= kMaxRange) throw TemplateError("range too large");
        out.emplace_back(i);
    }
    return Value(std::move(out));
}

Dict keyword_dict(const CallArgs& a) {
    Dict d;
    for (const Value& p : a.positional) {
        if (!p.is_mapping()) throw TemplateError("expected a mapping argument");
        for (const auto& [k, v] : p.as_dict().items) d.set(k, v);
    }
    for (const auto& [k, v] : a.keyword) d.set(k, v);
    return d;
}

}  // namespace

Value global_function(const std::string& name) {
    if (name == "range") return Value::function(name, range);
    if (name == "namespace") return Value::function(name, [](CallArgs& a) { return Value::namespace_of(keyword_dict(a)); });
    if (name == "dict") return Value::function(name, [](CallArgs& a) { return Value(keyword_dict(a)); });
    if (name == "raise_exception")
        return Value::function(name, [](CallArgs& a) -> Value { throw TemplateError(a.get(0, "message").str()); });
    if (name == "strftime_now")
        return Value::function(name, [](CallArgs& a) {
            const std::time_t now = std::time(nullptr);
            std::tm local{};
            localtime_r(&now, &local);
            char buf[256];
            const std::string format = a.get(0, "format").str();
            // The format comes from the template, by design (Hugging Face's strftime_now(format)).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
            const size_t n = std::strftime(buf, sizeof buf, format.c_str(), &local);
#pragma GCC diagnostic pop
            return Value(std::string(buf, n));
        });
    return Value::undefined(name);
}

}  // namespace chord::jinja
