#include "chat/template_parser.h"

#include <initializer_list>

#include "chat/template_error.h"

namespace chord::jinja {

namespace {

constexpr int kMaxNesting = 200;  // expression and block depth: a hostile template cannot blow the stack

class ExprParser {
public:
    ExprParser(const std::vector<Token>& tokens, size_t start, int line) : t_(tokens), i_(start), line_(line) {}

    size_t position() const { return i_; }
    bool at_end() const { return i_ >= t_.size(); }
    const Token* peek(size_t ahead = 0) const { return i_ + ahead < t_.size() ? &t_[i_ + ahead] : nullptr; }
    bool is_op(const char* op, size_t ahead = 0) const {
        const Token* t = peek(ahead);
        return t && t->kind == Token::Kind::Op && t->text == op;
    }
    bool is_name(const char* name, size_t ahead = 0) const {
        const Token* t = peek(ahead);
        return t && t->kind == Token::Kind::Name && t->text == name;
    }
    bool skip_op(const char* op) { return is_op(op) ? (++i_, true) : false; }
    bool skip_name(const char* name) { return is_name(name) ? (++i_, true) : false; }
    void expect_op(const char* op) {
        if (!skip_op(op)) fail(std::string("expected '") + op + "'");
    }
    std::string expect_name() {
        const Token* t = peek();
        if (!t || t->kind != Token::Kind::Name) fail("expected a name");
        ++i_;
        return t->text;
    }
    [[noreturn]] void fail(const std::string& what) const {
        const Token* t = peek();
        throw TemplateError(what + (t ? " near '" + t->text + "'" : " at the end of the tag"), t ? t->line : line_);
    }
    void expect_end() const {
        if (!at_end()) fail("unexpected token");
    }

    ExprPtr expression() {
        Depth guard(*this);
        ExprPtr e = or_expr();
        while (skip_name("if")) {
            auto cond = make(ExprKind::Condition);
            cond->args.push_back(std::move(e));
            cond->args.push_back(or_expr());
            cond->args.push_back(skip_name("else") ? expression() : nullptr);
            e = std::move(cond);
        }
        return e;
    }

    // Names separated by commas (for-loop targets, set a, b = …).
    std::vector<std::string> name_list() {
        std::vector<std::string> names{expect_name()};
        while (skip_op(",")) names.push_back(expect_name());
        return names;
    }

    // An expression without a trailing `x if c else y` (a for loop's iterable, whose `if` filters).
    ExprPtr expression_without_condition() {
        Depth guard(*this);
        return or_expr();
    }

    // name, name.attr (a namespace) or a, b (unpacking).
    ExprPtr assignment_target() {
        const std::string first = expect_name();
        auto name = make(ExprKind::Name);
        name->name = first;
        if (skip_op(".")) {
            auto attr = make(ExprKind::Attr);
            attr->name = expect_name();
            attr->args.push_back(std::move(name));
            return attr;
        }
        if (!is_op(",")) return name;
        auto tuple = make(ExprKind::Tuple);
        tuple->args.push_back(std::move(name));
        while (skip_op(",")) {
            auto next = make(ExprKind::Name);
            next->name = expect_name();
            tuple->args.push_back(std::move(next));
        }
        return tuple;
    }

    // `upper | replace("a", "b")` of a {% filter %} block: a Filter chain whose innermost input is null.
    ExprPtr filter_chain() {
        ExprPtr e = call(nullptr, ExprKind::Filter, dotted_name());
        while (skip_op("|")) e = call(std::move(e), ExprKind::Filter, dotted_name());
        return e;
    }

    ExprPtr primary() {
        const Token* t = peek();
        if (!t) fail("expected an expression");
        ++i_;
        switch (t->kind) {
            case Token::Kind::Name: {
                if (t->text == "true" || t->text == "True") return literal(Value(true));
                if (t->text == "false" || t->text == "False") return literal(Value(false));
                if (t->text == "none" || t->text == "None") return literal(Value::none());
                auto e = make(ExprKind::Name);
                e->name = t->text;
                return e;
            }
            case Token::Kind::String: {
                std::string s = t->text;
                while (peek() && peek()->kind == Token::Kind::String) s += t_[i_++].text;  // "a" "b" → "ab"
                return literal(Value(std::move(s)));
            }
            case Token::Kind::Int: return literal(Value(t->int_value));
            case Token::Kind::Float: return literal(Value(t->float_value));
            case Token::Kind::Op: break;
        }
        Depth guard(*this);
        if (t->text == "(") {
            if (skip_op(")")) return make(ExprKind::Tuple);
            ExprPtr first = expression();
            if (skip_op(")")) return first;
            auto tuple = make(ExprKind::Tuple);
            tuple->args.push_back(std::move(first));
            while (skip_op(",") && !is_op(")")) tuple->args.push_back(expression());
            expect_op(")");
            return tuple;
        }
        if (t->text == "[") {
            auto list = make(ExprKind::List);
            while (!skip_op("]")) {
                if (!list->args.empty()) expect_op(",");
                if (skip_op("]")) break;
                list->args.push_back(expression());
            }
            return list;
        }
        if (t->text == "{") {
            auto dict = make(ExprKind::Dict);
            while (!skip_op("}")) {
                if (!dict->args.empty()) expect_op(",");
                if (skip_op("}")) break;
                dict->args.push_back(expression());
                expect_op(":");
                dict->args.push_back(expression());
            }
            return dict;
        }
        --i_;
        fail("unexpected token");
    }

private:
    struct Depth {
        explicit Depth(ExprParser& p) : p_(p) {
            if (++p_.depth_ > kMaxNesting) p_.fail("expression nested too deeply");
        }
        ~Depth() { --p_.depth_; }
        ExprParser& p_;
    };

    // A left-associative chain (a + b + c…, x|f|g…, a.b.c…) nests one node per link: each link counts
    // as one level of depth until the chain's function returns.
    struct ChainDepth {
        explicit ChainDepth(ExprParser& p) : p_(p) {}
        void grow() {
            ++links_;
            if (++p_.depth_ > kMaxNesting) p_.fail("expression nested too deeply");
        }
        ~ChainDepth() { p_.depth_ -= links_; }
        ExprParser& p_;
        int links_ = 0;
    };

    ExprPtr make(ExprKind kind) const {
        auto e = std::make_unique<Expr>();
        e->kind = kind;
        e->line = peek() ? peek()->line : line_;
        return e;
    }
    ExprPtr literal(Value v) const {
        auto e = make(ExprKind::Literal);
        e->literal = std::move(v);
        return e;
    }
    ExprPtr binary(ExprKind kind, std::string op, ExprPtr a, ExprPtr b) const {
        auto e = make(kind);
        e->name = std::move(op);
        e->args.push_back(std::move(a));
        e->args.push_back(std::move(b));
        return e;
    }

    ExprPtr or_expr() {
        ExprPtr e = and_expr();
        ChainDepth chain(*this);
        while (skip_name("or") && (chain.grow(), true)) e = binary(ExprKind::Or, "or", std::move(e), and_expr());
        return e;
    }
    ExprPtr and_expr() {
        ExprPtr e = not_expr();
        ChainDepth chain(*this);
        while (skip_name("and") && (chain.grow(), true)) e = binary(ExprKind::And, "and", std::move(e), not_expr());
        return e;
    }
    ExprPtr not_expr() {
        if (skip_name("not")) {
            Depth guard(*this);
            auto e = make(ExprKind::Not);
            e->args.push_back(not_expr());
            return e;
        }
        return compare();
    }
    ExprPtr compare() {
        ExprPtr first = math1();
        ExprPtr cmp;
        ChainDepth chain(*this);
        while (true) {
            chain.grow();
            std::string op;
            for (const char* o : {"==", "!=", "<", "<=", ">", ">="})
                if (is_op(o)) op = o;
            if (!op.empty()) ++i_;
            else if (skip_name("in")) op = "in";
            else if (is_name("not") && is_name("in", 1)) { i_ += 2; op = "notin"; }
            else break;
            if (!cmp) {
                cmp = make(ExprKind::Compare);
                cmp->args.push_back(std::move(first));
            }
            cmp->ops.push_back(op);
            cmp->args.push_back(math1());
        }
        return cmp ? std::move(cmp) : std::move(first);
    }
    ExprPtr math1() {
        ExprPtr e = concat();
        ChainDepth chain(*this);
        while (is_op("+") || is_op("-")) {
            chain.grow();
            const std::string op = t_[i_++].text;
            e = binary(ExprKind::Binary, op, std::move(e), concat());
        }
        return e;
    }
    ExprPtr concat() {
        ExprPtr e = math2();
        ChainDepth chain(*this);
        while (skip_op("~") && (chain.grow(), true)) e = binary(ExprKind::Binary, "~", std::move(e), math2());
        return e;
    }
    ExprPtr math2() {
        ExprPtr e = power();
        ChainDepth chain(*this);
        while (is_op("*") || is_op("/") || is_op("//") || is_op("%")) {
            chain.grow();
            const std::string op = t_[i_++].text;
            e = binary(ExprKind::Binary, op, std::move(e), power());
        }
        return e;
    }
    ExprPtr power() {
        ExprPtr e = unary(true);
        ChainDepth chain(*this);
        while (skip_op("**") && (chain.grow(), true)) e = binary(ExprKind::Binary, "**", std::move(e), unary(true));
        return e;
    }
    ExprPtr unary(bool with_filter) {
        ExprPtr e;
        if (is_op("-") || is_op("+")) {
            Depth guard(*this);
            e = make(t_[i_++].text == "-" ? ExprKind::Neg : ExprKind::Pos);
            e->args.push_back(unary(false));
        } else {
            e = primary();
        }
        e = postfix(std::move(e));
        return with_filter ? filters(std::move(e)) : std::move(e);
    }
    ExprPtr postfix(ExprPtr e) {
        ChainDepth chain(*this);
        while (true) {
            chain.grow();
            if (skip_op(".")) {
                const Token* t = peek();
                if (t && t->kind == Token::Kind::Int) {
                    ++i_;
                    auto item = make(ExprKind::Item);
                    item->args.push_back(std::move(e));
                    item->args.push_back(literal(Value(t->int_value)));
                    e = std::move(item);
                } else {
                    auto attr = make(ExprKind::Attr);
                    attr->name = expect_name();
                    attr->args.push_back(std::move(e));
                    e = std::move(attr);
                }
            } else if (skip_op("[")) {
                e = subscript(std::move(e));
            } else if (is_op("(")) {
                e = call(std::move(e), ExprKind::Call, {});
            } else {
                return e;
            }
        }
    }
    ExprPtr subscript(ExprPtr target) {
        ExprPtr parts[3];
        int part = 0;
        bool is_slice = false;
        while (!skip_op("]")) {
            if (skip_op(":")) {
                is_slice = true;
                if (++part > 2) fail("too many ':' in a slice");
                continue;
            }
            if (parts[part]) fail("expected ']'");
            parts[part] = expression();
        }
        auto e = make(is_slice ? ExprKind::Slice : ExprKind::Item);
        e->args.push_back(std::move(target));
        if (!is_slice) {
            if (!parts[0]) fail("empty subscript");
            e->args.push_back(std::move(parts[0]));
        } else {
            for (auto& p : parts) e->args.push_back(std::move(p));
        }
        return e;
    }
    // Parses "(a, b, key=c)" when present and makes a Call/Filter/Test node with first as args[0].
    ExprPtr call(ExprPtr first, ExprKind kind, std::string name) {
        auto e = make(kind);
        e->name = std::move(name);
        e->args.push_back(std::move(first));
        if (!skip_op("(")) return e;
        while (!skip_op(")")) {
            if (e->args.size() > 1) {
                expect_op(",");
                if (skip_op(")")) break;
            }
            const Token* t = peek();
            if (t && t->kind == Token::Kind::Name && is_op("=", 1)) {
                e->kwnames.push_back(t->text);
                i_ += 2;
                e->args.push_back(expression());
            } else {
                if (!e->kwnames.empty()) fail("positional argument after a keyword argument");
                e->args.push_back(expression());
            }
        }
        return e;
    }
    std::string dotted_name() {
        std::string name = expect_name();
        while (is_op(".") && peek(1) && peek(1)->kind == Token::Kind::Name) {
            i_ += 1;
            name += "." + expect_name();
        }
        return name;
    }
    ExprPtr filters(ExprPtr e) {
        ChainDepth chain(*this);
        while (true) {
            chain.grow();
            if (skip_op("|")) {
                e = call(std::move(e), ExprKind::Filter, dotted_name());
            } else if (skip_name("is")) {
                const bool negated = skip_name("not");
                e = call(std::move(e), ExprKind::Test, dotted_name());
                e->negated = negated;
                // `x is divisibleby 3`: one argument without parentheses.
                const Token* t = peek();
                const bool bare_arg = e->args.size() == 1 && t &&
                                      (t->kind != Token::Kind::Op ? !(t->kind == Token::Kind::Name &&
                                                                      (t->text == "else" || t->text == "or" ||
                                                                       t->text == "and" || t->text == "if" ||
                                                                       t->text == "in" || t->text == "not" ||
                                                                       t->text == "is"))
                                                                  : (t->text == "[" || t->text == "{"));
                if (bare_arg) e->args.push_back(postfix(primary()));
            } else if (is_op("(")) {
                e = call(std::move(e), ExprKind::Call, {});
            } else {
                return e;
            }
        }
    }

    const std::vector<Token>& t_;
    size_t i_;
    int line_;
    int depth_ = 0;
};

class StatementParser {
public:
    explicit StatementParser(const std::vector<Chunk>& chunks) : c_(chunks) {}

    std::vector<Node> parse_all() {
        std::vector<Node> nodes = block({});
        if (i_ < c_.size()) throw TemplateError("unexpected '" + keyword(c_[i_]) + "'", c_[i_].line);
        return nodes;
    }

private:
    static std::string keyword(const Chunk& c) { return c.tokens.empty() ? std::string() : c.tokens[0].text; }

    // Parses nodes until a statement whose keyword is in `ends` (left unconsumed).
    std::vector<Node> block(std::initializer_list<const char*> ends) {
        if (++depth_ > kMaxNesting) throw TemplateError("blocks nested too deeply", c_[i_ > 0 ? i_ - 1 : 0].line);
        std::vector<Node> nodes;
        while (i_ < c_.size()) {
            const Chunk& c = c_[i_];
            if (c.kind == Chunk::Kind::Statement)
                for (const char* end : ends)
                    if (keyword(c) == end) {
                        --depth_;
                        return nodes;
                    }
            ++i_;
            nodes.push_back(node(c));
        }
        if (ends.size() != 0) {
            std::string wanted;
            for (const char* end : ends) wanted += std::string(wanted.empty() ? "" : " or ") + "{% " + end + " %}";
            throw TemplateError("missing " + wanted, c_.empty() ? 0 : c_.back().line);
        }
        --depth_;
        return nodes;
    }

    const Chunk& expect(const char* kw) {
        if (i_ >= c_.size() || keyword(c_[i_]) != kw) throw TemplateError(std::string("expected {% ") + kw + " %}", 0);
        return c_[i_++];
    }

    Node node(const Chunk& c) {
        Node n;
        n.line = c.line;
        if (c.kind == Chunk::Kind::Text) {
            n.kind = NodeKind::Text;
            n.text = c.text;
            return n;
        }
        ExprParser p(c.tokens, c.kind == Chunk::Kind::Output ? 0 : 1, c.line);
        if (c.kind == Chunk::Kind::Output) {
            n.kind = NodeKind::Output;
            n.expr = p.expression();
            p.expect_end();
            return n;
        }
        const std::string kw = keyword(c);
        if (kw == "if") {
            n.kind = NodeKind::If;
            ExprPtr cond = p.expression();
            p.expect_end();
            n.branches.emplace_back(std::move(cond), block({"elif", "else", "endif"}));
            while (keyword(c_[i_]) == "elif") {
                ExprParser ep(c_[i_].tokens, 1, c_[i_].line);
                ++i_;
                ExprPtr elif_cond = ep.expression();
                ep.expect_end();
                n.branches.emplace_back(std::move(elif_cond), block({"elif", "else", "endif"}));
            }
            if (keyword(c_[i_]) == "else") {
                ++i_;
                n.else_body = block({"endif"});
            }
            expect("endif");
        } else if (kw == "for") {
            n.kind = NodeKind::For;
            n.loop_vars = p.name_list();
            if (!p.skip_name("in")) p.fail("expected 'in'");
            n.expr = p.expression_without_condition();
            if (p.skip_name("if")) n.condition = p.expression_without_condition();
            n.recursive = p.skip_name("recursive");
            p.expect_end();
            n.body = block({"else", "endfor"});
            if (keyword(c_[i_]) == "else") {
                ++i_;
                n.else_body = block({"endfor"});
            }
            expect("endfor");
        } else if (kw == "set") {
            const Token* second = p.peek(1);
            if (!second || (second->kind == Token::Kind::Op && second->text != "=" && second->text != "," &&
                            second->text != ".")) {
                // {% set name %}…{% endset %}
                n.kind = NodeKind::SetBlock;
                n.text = p.expect_name();
                p.expect_end();
                n.body = block({"endset"});
                expect("endset");
            } else {
                n.kind = NodeKind::Set;
                n.target = p.assignment_target();
                p.expect_op("=");
                n.expr = p.expression();
                p.expect_end();
            }
        } else if (kw == "macro") {
            n.kind = NodeKind::Macro;
            n.text = p.expect_name();
            p.expect_op("(");
            while (!p.skip_op(")")) {
                if (!n.params.empty()) p.expect_op(",");
                std::string name = p.expect_name();
                ExprPtr def = p.skip_op("=") ? p.expression() : nullptr;
                n.params.emplace_back(std::move(name), std::move(def));
            }
            p.expect_end();
            n.body = block({"endmacro"});
            expect("endmacro");
        } else if (kw == "filter") {
            n.kind = NodeKind::FilterBlock;
            n.expr = p.filter_chain();
            p.expect_end();
            n.body = block({"endfilter"});
            expect("endfilter");
        } else if (kw == "generation") {
            n.kind = NodeKind::Generation;
            p.expect_end();
            n.body = block({"endgeneration"});
            expect("endgeneration");
        } else if (kw == "break" || kw == "continue") {
            n.kind = kw == "break" ? NodeKind::Break : NodeKind::Continue;
            p.expect_end();
        } else {
            throw TemplateError("unknown statement '" + kw + "'", c.line);
        }
        return n;
    }

    const std::vector<Chunk>& c_;
    size_t i_ = 0;
    int depth_ = 0;
};

}  // namespace

std::vector<Node> parse_template(const std::vector<Chunk>& chunks) { return StatementParser(chunks).parse_all(); }

}  // namespace chord::jinja
