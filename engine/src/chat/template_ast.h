#pragma once
// The parsed form of a chat template: expressions and statements, as the interpreter walks them.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "chat/template_value.h"

namespace chord::jinja {

enum class ExprKind {
    Literal,   // literal
    Name,      // name
    List,      // [args…]
    Tuple,     // (args…)
    Dict,      // {args[0]: args[1], …}
    Attr,      // args[0].name
    Item,      // args[0][args[1]]
    Slice,     // args[0][args[1]:args[2]:args[3]] (null when omitted)
    Call,      // args[0](args[1…]), the last kwnames.size() are keyword arguments
    Filter,    // args[0] | name(args[1…])
    Test,      // args[0] is [not] name(args[1…])
    Neg,       // -args[0]
    Pos,       // +args[0]
    Not,       // not args[0]
    Binary,    // args[0] name args[1] for + - * / // % ** ~
    And,       // args[0] and args[1]
    Or,        // args[0] or args[1]
    Compare,   // args[0] ops[0] args[1] ops[1] args[2] … (==, !=, <, <=, >, >=, in, notin)
    Condition  // args[0] if args[1] else args[2] (args[2] null when omitted)
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
    ExprKind kind;
    int line = 0;
    Value literal;
    std::string name;
    std::vector<ExprPtr> args;
    std::vector<std::string> kwnames;
    std::vector<std::string> ops;
    bool negated = false;  // Test: `is not`
};

enum class NodeKind {
    Text,        // text
    Output,      // {{ expr }}
    If,          // branches (condition, body)…, else_body
    For,         // for loop_vars in expr [if condition] body [else else_body]
    Set,         // set target = expr
    SetBlock,    // set name %} body {% endset
    Macro,       // macro name(params) body
    FilterBlock, // filter expr (a Filter whose args[0] is null: the body's text) body
    Break,
    Continue,
    Generation   // Hugging Face's {% generation %}: renders its body
};

struct Node {
    NodeKind kind;
    int line = 0;
    std::string text;
    ExprPtr expr;
    ExprPtr target;
    std::vector<std::string> loop_vars;
    ExprPtr condition;
    std::vector<std::pair<ExprPtr, std::vector<Node>>> branches;
    std::vector<Node> body;
    std::vector<Node> else_body;
    std::vector<std::pair<std::string, ExprPtr>> params;  // macro parameters and their defaults (null: none)
    bool recursive = false;
};

}  // namespace chord::jinja
