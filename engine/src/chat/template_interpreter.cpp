#include "chat/template_interpreter.h"

#include <cmath>

#include "chat/template_builtins.h"
#include "chat/template_error.h"
#include "chat/utf8_chars.h"

namespace chord::jinja {

namespace {

[[noreturn]] void undefined_error(const Value& v, int line) {
    const std::string& name = v.name();
    throw TemplateError(name.empty() ? "undefined value used" : "'" + name + "' is undefined", line);
}

void require_defined(const Value& v, int line) {
    if (v.is_undefined()) undefined_error(v, line);
}

// `for a in …` binds the item; `for k, v in …` unpacks it.
void bind_loop_vars(const Node& n, const Value& item, Dict& scope) {
    if (n.loop_vars.size() == 1) {
        scope.set(n.loop_vars[0], item);
        return;
    }
    const ValueList parts = item.iterate();
    if (parts.size() != n.loop_vars.size()) throw TemplateError("cannot unpack loop item", n.line);
    for (size_t k = 0; k < parts.size(); ++k) scope.set(n.loop_vars[k], parts[k]);
}

int64_t python_floordiv(int64_t a, int64_t b) {
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
}

}  // namespace

Interpreter::Interpreter(Dict context, RenderLimits limits) : limits_(limits) { scopes_.push_back(std::move(context)); }

std::string Interpreter::render(const std::vector<Node>& nodes) {
    std::string out;
    if (exec_block(nodes, out) != Flow::Normal) throw TemplateError("break or continue outside a loop");
    return out;
}

void Interpreter::count_step(int line) {
    if (++steps_ > limits_.max_steps) throw TemplateError("the template does too much work (step limit reached)", line);
}

void Interpreter::append(std::string& out, const std::string& text) {
    output_bytes_ += text.size();
    if (output_bytes_ > limits_.max_output_bytes) throw TemplateError("the template output is too large");
    out += text;
}

Value Interpreter::lookup(const std::string& name) const {
    for (size_t i = scopes_.size(); i-- > macro_base_;) {
        if (i == 0) break;
        if (const Value* v = scopes_[i].find(name)) return *v;
    }
    if (const Value* v = scopes_[0].find(name)) return *v;
    Value g = global_function(name);
    return g.is_undefined() ? Value::undefined(name) : g;
}

Interpreter::Flow Interpreter::exec_block(const std::vector<Node>& nodes, std::string& out) {
    for (const Node& n : nodes) {
        const Flow f = exec(n, out);
        if (f != Flow::Normal) return f;
    }
    return Flow::Normal;
}

Interpreter::Flow Interpreter::exec(const Node& n, std::string& out) {
    count_step(n.line);
    switch (n.kind) {
        case NodeKind::Text: append(out, n.text); return Flow::Normal;
        case NodeKind::Output: append(out, eval(*n.expr).str()); return Flow::Normal;
        case NodeKind::If:
            for (const auto& [cond, body] : n.branches)
                if (eval(*cond).truthy()) return exec_block(body, out);
            return exec_block(n.else_body, out);
        case NodeKind::For: return exec_for(n, out);
        case NodeKind::Set: exec_set(n); return Flow::Normal;
        case NodeKind::SetBlock: {
            std::string captured;
            if (exec_block(n.body, captured) != Flow::Normal) throw TemplateError("break or continue in set", n.line);
            scopes_.back().set(n.text, Value(std::move(captured)));
            return Flow::Normal;
        }
        case NodeKind::Macro: scopes_.back().set(n.text, make_macro(n)); return Flow::Normal;
        case NodeKind::FilterBlock: {
            std::string body;
            const Flow f = exec_block(n.body, body);
            // Apply the chain innermost first; its innermost input (null) is the body's text.
            std::vector<const Expr*> chain;
            for (const Expr* e = n.expr.get(); e; e = e->args[0].get()) chain.push_back(e);
            Value v(std::move(body));
            for (size_t i = chain.size(); i-- > 0;) v = apply_filter(chain[i]->name, v, eval_args(*chain[i], 1), n.line);
            append(out, v.str());
            return f;
        }
        case NodeKind::Break: return Flow::Break;
        case NodeKind::Continue: return Flow::Continue;
        case NodeKind::Generation: return exec_block(n.body, out);
    }
    return Flow::Normal;
}

Interpreter::Flow Interpreter::exec_for(const Node& n, std::string& out) {
    const Value iterable = eval(*n.expr);
    ValueList items = iterable.iterate();
    if (n.condition) {
        ValueList kept;
        for (Value& item : items) {
            // The inline `if` sees the loop variables but not `loop`.
            scopes_.emplace_back();
            bind_loop_vars(n, item, scopes_.back());
            const bool keep = eval(*n.condition).truthy();
            scopes_.pop_back();
            if (keep) kept.push_back(std::move(item));
        }
        items = std::move(kept);
    }
    if (items.empty()) return exec_block(n.else_body, out);

    const auto length = static_cast<int64_t>(items.size());
    // One cycle() per loop, reading the current index, instead of one closure per iteration.
    auto index = std::make_shared<int64_t>(0);
    const Value cycle = Value::function("cycle", [index](CallArgs& args) {
        if (args.positional.empty()) throw TemplateError("loop.cycle needs at least one value");
        return args.positional[static_cast<size_t>(*index) % args.positional.size()];
    });
    for (int64_t i = 0; i < length; ++i) {
        count_step(n.line);
        *index = i;
        Dict scope;
        const Value& item = items[static_cast<size_t>(i)];
        bind_loop_vars(n, item, scope);
        Dict loop;
        loop.items.reserve(13);
        loop.items.emplace_back("index", Value(i + 1));
        loop.items.emplace_back("index0", Value(i));
        loop.items.emplace_back("revindex", Value(length - i));
        loop.items.emplace_back("revindex0", Value(length - i - 1));
        loop.items.emplace_back("first", Value(i == 0));
        loop.items.emplace_back("last", Value(i == length - 1));
        loop.items.emplace_back("length", Value(length));
        loop.items.emplace_back("depth", Value(int64_t{1}));
        loop.items.emplace_back("depth0", Value(int64_t{0}));
        loop.items.emplace_back("previtem", i > 0 ? items[static_cast<size_t>(i - 1)] : Value::undefined("previtem"));
        loop.items.emplace_back("nextitem", i + 1 < length ? items[static_cast<size_t>(i + 1)] : Value::undefined("nextitem"));
        loop.items.emplace_back("cycle", cycle);
        scope.set("loop", Value(std::move(loop)));
        scopes_.push_back(std::move(scope));
        const Flow f = exec_block(n.body, out);
        scopes_.pop_back();
        if (f == Flow::Break) break;
    }
    return Flow::Normal;
}

void Interpreter::exec_set(const Node& n) { assign(*n.target, eval(*n.expr)); }

void Interpreter::assign(const Expr& target, const Value& value) {
    if (target.kind == ExprKind::Name) {
        scopes_.back().set(target.name, value);
    } else if (target.kind == ExprKind::Attr) {
        const Value ns = eval(*target.args[0]);
        if (ns.kind() != Value::Kind::Namespace)
            throw TemplateError("only a namespace() can have attributes assigned", target.line);
        // A namespace holding a namespace could hold itself: printing it would never end.
        if (value.contains_namespace()) throw TemplateError("a namespace attribute cannot hold a namespace", target.line);
        ns.namespace_dict().set(target.name, value);
    } else {
        const ValueList parts = value.iterate();
        if (parts.size() != target.args.size()) throw TemplateError("cannot unpack the value in set", target.line);
        for (size_t i = 0; i < parts.size(); ++i) assign(*target.args[i], parts[i]);
    }
}

Value Interpreter::make_macro(const Node& n) {
    const Node* node = &n;
    return Value::function(n.text, [this, node](CallArgs& args) {
        if (++call_depth_ > limits_.max_call_depth) throw TemplateError("macro recursion too deep", node->line);
        Dict locals;
        for (size_t i = 0; i < node->params.size(); ++i) {
            const auto& [name, def] = node->params[i];
            Value v = args.get(i, name);
            if (v.is_undefined() && def) v = eval(*def);
            locals.set(name, v);
        }
        if (args.positional.size() > node->params.size()) throw TemplateError("too many arguments to macro " + node->text, node->line);
        const size_t saved_base = macro_base_;
        scopes_.push_back(std::move(locals));
        macro_base_ = scopes_.size() - 1;
        std::string out;
        try {
            exec_block(node->body, out);
        } catch (...) {
            scopes_.pop_back();
            macro_base_ = saved_base;
            --call_depth_;
            throw;
        }
        scopes_.pop_back();
        macro_base_ = saved_base;
        --call_depth_;
        return Value(std::move(out));
    });
}

Value Interpreter::apply_filter(const std::string& name, const Value& input, const CallArgs& args, int line) {
    count_step(line);
    try {
        std::optional<Value> v = call_filter(*this, name, input, args);
        if (!v) throw TemplateError("no filter named '" + name + "'", line);
        return *v;
    } catch (const TemplateError&) {
        throw;
    } catch (const std::exception& e) {
        throw TemplateError(name + ": " + e.what(), line);
    }
}

bool Interpreter::apply_test(const std::string& name, const Value& input, const CallArgs& args, int line) {
    std::optional<bool> v = call_test(name, input, args);
    if (!v) throw TemplateError("no test named '" + name + "'", line);
    return *v;
}

CallArgs Interpreter::eval_args(const Expr& e, size_t first) {
    CallArgs args;
    const size_t n_keyword = e.kwnames.size();
    const size_t n_positional = e.args.size() - first - n_keyword;
    for (size_t i = 0; i < n_positional; ++i) args.positional.push_back(eval(*e.args[first + i]));
    for (size_t i = 0; i < n_keyword; ++i)
        args.keyword.emplace_back(e.kwnames[i], eval(*e.args[first + n_positional + i]));
    return args;
}

Value Interpreter::eval_call(const Expr& e) {
    const Value fn = eval(*e.args[0]);
    if (!fn.is_callable()) {
        if (fn.is_undefined()) undefined_error(fn, e.line);
        throw TemplateError(std::string("'") + fn.type_name() + "' object is not callable", e.line);
    }
    count_step(e.line);
    CallArgs args = eval_args(e, 1);
    try {
        return fn.as_function()(args);
    } catch (const TemplateError&) {
        throw;
    } catch (const std::exception& ex) {
        throw TemplateError(fn.name() + ": " + ex.what(), e.line);
    }
}

Value Interpreter::eval(const Expr& e) {
    switch (e.kind) {
        case ExprKind::Literal: return e.literal;
        case ExprKind::Name: return lookup(e.name);
        case ExprKind::List:
        case ExprKind::Tuple: {
            ValueList items;
            for (const auto& a : e.args) items.push_back(eval(*a));
            return Value(std::move(items));
        }
        case ExprKind::Dict: {
            Dict d;
            for (size_t i = 0; i + 1 < e.args.size(); i += 2) d.set(eval(*e.args[i]).str(), eval(*e.args[i + 1]));
            return Value(std::move(d));
        }
        case ExprKind::Attr: {
            const Value obj = eval(*e.args[0]);
            require_defined(obj, e.line);
            return get_attribute(obj, e.name);
        }
        case ExprKind::Item: {
            const Value obj = eval(*e.args[0]);
            require_defined(obj, e.line);
            return get_item(obj, eval(*e.args[1]));
        }
        case ExprKind::Slice: {
            const Value obj = eval(*e.args[0]);
            require_defined(obj, e.line);
            Value parts[3];
            for (int i = 0; i < 3; ++i)
                if (e.args[static_cast<size_t>(i) + 1]) parts[i] = eval(*e.args[static_cast<size_t>(i) + 1]);
            return get_slice(obj, e.args[1] ? &parts[0] : nullptr, e.args[2] ? &parts[1] : nullptr,
                             e.args[3] ? &parts[2] : nullptr);
        }
        case ExprKind::Call: return eval_call(e);
        case ExprKind::Filter: return apply_filter(e.name, eval(*e.args[0]), eval_args(e, 1), e.line);
        case ExprKind::Test: {
            const bool r = apply_test(e.name, eval(*e.args[0]), eval_args(e, 1), e.line);
            return Value(e.negated ? !r : r);
        }
        case ExprKind::Neg:
        case ExprKind::Pos: {
            const Value v = eval(*e.args[0]);
            require_defined(v, e.line);
            if (!v.is_number()) throw TemplateError(std::string("bad operand type for unary -: '") + v.type_name() + "'", e.line);
            if (e.kind == ExprKind::Pos) return v.kind() == Value::Kind::Bool ? Value(v.as_int()) : v;
            return v.kind() == Value::Kind::Float ? Value(-v.as_float()) : Value(-v.as_int());
        }
        case ExprKind::Not: return Value(!eval(*e.args[0]).truthy());
        case ExprKind::And: {
            Value a = eval(*e.args[0]);
            return a.truthy() ? eval(*e.args[1]) : a;
        }
        case ExprKind::Or: {
            Value a = eval(*e.args[0]);
            return a.truthy() ? a : eval(*e.args[1]);
        }
        case ExprKind::Binary: return eval_binary(e);
        case ExprKind::Compare: return eval_compare(e);
        case ExprKind::Condition:
            if (eval(*e.args[1]).truthy()) return eval(*e.args[0]);
            return e.args[2] ? eval(*e.args[2]) : Value::undefined();
    }
    return {};
}

Value Interpreter::eval_binary(const Expr& e) {
    const Value a = eval(*e.args[0]);
    const Value b = eval(*e.args[1]);
    const std::string& op = e.name;
    // Strings and lists built by + and ~ count against the output limit: a template could otherwise
    // grow one without ever printing it.
    auto sized = [&](size_t bytes) {
        if (bytes > limits_.max_output_bytes) throw TemplateError("a value the template builds is too large", e.line);
    };
    if (op == "~") {
        std::string s = a.str();
        const std::string t = b.str();
        sized(s.size() + t.size());
        return Value(s + t);
    }
    require_defined(a, e.line);
    require_defined(b, e.line);
    auto type_error = [&]() -> TemplateError {
        return TemplateError("unsupported operand types for " + op + ": '" + a.type_name() + "' and '" + b.type_name() + "'",
                             e.line);
    };
    if (op == "+") {
        if (a.is_string() && b.is_string()) {
            sized(a.as_string().size() + b.as_string().size());
            return Value(a.as_string() + b.as_string());
        }
        if (a.is_list() && b.is_list()) {
            sized(a.as_list().size() + b.as_list().size());
            ValueList joined = a.as_list();
            joined.insert(joined.end(), b.as_list().begin(), b.as_list().end());
            return Value(std::move(joined));
        }
    }
    if (op == "*" && (a.is_string() || a.is_list()) && b.is_number() && b.kind() != Value::Kind::Float) {
        const int64_t times = std::max<int64_t>(0, b.as_int());
        const size_t unit = a.is_string() ? a.as_string().size() : a.as_list().size();
        if (unit * static_cast<uint64_t>(times) > limits_.max_output_bytes) throw TemplateError("repetition too large", e.line);
        if (a.is_string()) {
            std::string s;
            for (int64_t i = 0; i < times; ++i) s += a.as_string();
            return Value(std::move(s));
        }
        ValueList l;
        for (int64_t i = 0; i < times; ++i) l.insert(l.end(), a.as_list().begin(), a.as_list().end());
        return Value(std::move(l));
    }
    if (!a.is_number() || !b.is_number()) throw type_error();
    const bool floats = a.kind() == Value::Kind::Float || b.kind() == Value::Kind::Float;
    const double x = a.as_float(), y = b.as_float();
    const int64_t i = a.as_int(), j = b.as_int();
    if (op == "/") {
        if (y == 0.0) throw TemplateError("division by zero", e.line);
        return Value(x / y);
    }
    if (op == "//" || op == "%") {
        if (y == 0.0) throw TemplateError("division by zero", e.line);
        if (floats) {
            const double q = std::floor(x / y);
            return op == "//" ? Value(q) : Value(x - q * y);
        }
        const int64_t q = python_floordiv(i, j);
        return op == "//" ? Value(q) : Value(i - q * j);
    }
    if (op == "**") {
        if (!floats && j >= 0) {
            int64_t r = 1;
            for (int64_t k = 0; k < j; ++k) {
                if (r != 0 && std::abs(r) > (int64_t{1} << 62) / std::max<int64_t>(1, std::abs(i)))
                    throw TemplateError("integer power too large", e.line);
                r *= i;
            }
            return Value(r);
        }
        return Value(std::pow(x, y));
    }
    if (floats) {
        if (op == "+") return Value(x + y);
        if (op == "-") return Value(x - y);
        if (op == "*") return Value(x * y);
    } else {
        int64_t r = 0;
        bool overflow = false;
        if (op == "+") overflow = __builtin_add_overflow(i, j, &r);
        else if (op == "-") overflow = __builtin_sub_overflow(i, j, &r);
        else if (op == "*") overflow = __builtin_mul_overflow(i, j, &r);
        else throw type_error();
        if (overflow) throw TemplateError("integer overflow", e.line);
        return Value(r);
    }
    throw type_error();
}

Value Interpreter::eval_compare(const Expr& e) {
    Value left = eval(*e.args[0]);
    for (size_t k = 0; k < e.ops.size(); ++k) {
        Value right = eval(*e.args[k + 1]);
        const std::string& op = e.ops[k];
        bool r = false;
        if (op == "==") r = values_equal(left, right);
        else if (op == "!=") r = !values_equal(left, right);
        else if (op == "<") r = values_less(left, right);
        else if (op == ">") r = values_less(right, left);
        else if (op == "<=") r = !values_less(right, left);
        else if (op == ">=") r = !values_less(left, right);
        else {
            if (right.is_string()) {
                if (!left.is_string()) throw TemplateError("'in <string>' requires a string on the left", e.line);
                r = right.as_string().find(left.as_string()) != std::string::npos;
            } else if (right.is_mapping()) {
                r = left.is_string() && right.as_dict().find(left.as_string()) != nullptr;
            } else if (right.is_list()) {
                for (const Value& v : right.as_list())
                    if (values_equal(left, v)) r = true;
            } else if (right.is_undefined()) {
                undefined_error(right, e.line);
            } else {
                throw TemplateError(std::string("argument of type '") + right.type_name() + "' is not iterable", e.line);
            }
            if (op == "notin") r = !r;
        }
        if (!r) return Value(false);
        left = std::move(right);
    }
    return Value(true);
}

}  // namespace chord::jinja
