#pragma once
// Walks a parsed chat template and writes its text. Sandboxed by construction: a template sees only
// the variables it is given and the built-ins below (no attribute reaches anything in the host), and
// limits bound the output size, the work done and the macro recursion depth.
#include <cstdint>
#include <string>
#include <vector>

#include "chat/template_ast.h"
#include "chat/template_value.h"

namespace chord::jinja {

struct RenderLimits {
    size_t max_output_bytes = 8u << 20;  // a chat prompt is far smaller; this stops runaway loops early
    uint64_t max_steps = 1'000'000;      // statements, loop iterations and calls (a long chat needs ~10⁴)
    int max_call_depth = 64;             // nested macro calls
};

class Interpreter {
public:
    Interpreter(Dict context, RenderLimits limits);
    std::string render(const std::vector<Node>& nodes);

    // Used by filters that take a filter or test by name (map, select, selectattr…).
    Value apply_filter(const std::string& name, const Value& input, const CallArgs& args, int line);
    bool apply_test(const std::string& name, const Value& input, const CallArgs& args, int line);
    void count_step(int line);

private:
    enum class Flow { Normal, Break, Continue };

    Flow exec_block(const std::vector<Node>& nodes, std::string& out);
    Flow exec(const Node& node, std::string& out);
    Flow exec_for(const Node& node, std::string& out);
    void exec_set(const Node& node);
    void assign(const Expr& target, const Value& value);
    Value make_macro(const Node& node);

    Value eval(const Expr& e);
    Value eval_binary(const Expr& e);
    Value eval_compare(const Expr& e);
    Value eval_call(const Expr& e);
    CallArgs eval_args(const Expr& e, size_t first);
    Value lookup(const std::string& name) const;
    void append(std::string& out, const std::string& text);

    std::vector<Dict> scopes_;  // [0]: the template's variables; then loop and macro scopes
    size_t macro_base_ = 0;     // inside a macro, lookups see scopes_[macro_base_…] and then scopes_[0]
    RenderLimits limits_;
    uint64_t steps_ = 0;
    int call_depth_ = 0;
    size_t output_bytes_ = 0;
};

}  // namespace chord::jinja
