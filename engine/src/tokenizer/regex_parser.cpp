// Parser for the pre-tokenizer regexes: pattern text → RegexNode tree with fixed widths marked.
#include <stdexcept>
#include <string>
#include <utility>

#include "tokenizer/regex_syntax.h"
#include "tokenizer/unicode_tables.h"
#include "tokenizer/utf8.h"

namespace chord::tokenizer {

uint8_t regex_props_of(uint32_t cp) {
    if (cp < 0x80) {
        const char c = static_cast<char>(cp);
        if (is_white_space(cp)) return kSpace;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) return kLetter;
        if (c >= '0' && c <= '9') return kNumber;
        if (std::string_view("!\"#%&'()*,-./:;?@[\\]_{}").find(c) != std::string_view::npos) return kPunctuation;
        if (std::string_view("$+<=>^`|").find(c) != std::string_view::npos) return kSymbol;
        return 0;
    }
    if (is_white_space(cp)) return kSpace;
    switch (char_category(cp)) {
        case CharCategory::Letter: return kLetter;
        case CharCategory::Number: return kNumber;
        case CharCategory::Punctuation: return kPunctuation;
        case CharCategory::Symbol: return kSymbol;
        case CharCategory::Mark: return kMark;
        case CharCategory::Separator:
        case CharCategory::Other: break;
    }
    return 0;
}

namespace {

using Node = RegexNode;
using Kind = RegexNode::Kind;

ClassItem range_item(uint32_t lo, uint32_t hi) { return {ClassItem::Type::Range, lo, hi, 0, nullptr}; }
ClassItem prop_item(uint8_t prop, bool negated) {
    return {negated ? ClassItem::Type::NotProp : ClassItem::Type::Prop, 0, 0, prop, nullptr};
}
ClassItem class_item(CharClass c) {
    return {ClassItem::Type::Class, 0, 0, 0, std::make_shared<const CharClass>(std::move(c))};
}

CharClass word_class() {
    CharClass c;
    c.items = {range_item('A', 'Z'), range_item('a', 'z'), range_item('0', '9'), range_item('_', '_')};
    return c;
}

class Parser {
public:
    explicit Parser(std::string_view pattern) : pattern_(pattern), cps_(to_code_points(pattern)) {}

    std::unique_ptr<Node> parse() {
        auto root = parse_alternation();
        if (pos_ != cps_.size()) fail("unbalanced ')'");
        return root;
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw std::invalid_argument("regex '" + std::string(pattern_) + "': " + what + " at " + std::to_string(pos_));
    }
    bool at_end() const { return pos_ >= cps_.size(); }
    uint32_t peek(size_t ahead = 0) const { return pos_ + ahead < cps_.size() ? cps_[pos_ + ahead] : 0xFFFFFFFF; }
    uint32_t next() {
        if (at_end()) fail("unexpected end");
        return cps_[pos_++];
    }

    std::unique_ptr<Node> parse_alternation() {
        auto first = parse_sequence();
        if (peek() != '|') return first;
        auto alt = std::make_unique<Node>();
        alt->kind = Kind::Alternation;
        alt->kids.push_back(std::move(first));
        while (peek() == '|') {
            ++pos_;
            alt->kids.push_back(parse_sequence());
        }
        return alt;
    }

    std::unique_ptr<Node> parse_sequence() {
        auto seq = std::make_unique<Node>();
        seq->kind = Kind::Sequence;
        while (!at_end() && peek() != '|' && peek() != ')') {
            auto atom = parse_atom();
            seq->kids.push_back(parse_quantifier(std::move(atom)));
        }
        return seq;
    }

    // {n}, {n,}, {n,m}; returns false (and consumes nothing) if this '{' is a literal.
    bool parse_braces(int& min, int& max) {
        size_t p = pos_ + 1;
        auto digits = [&](int& out) {
            size_t start = p;
            out = 0;
            while (p < cps_.size() && cps_[p] >= '0' && cps_[p] <= '9') out = out * 10 + static_cast<int>(cps_[p++] - '0');
            return p > start;
        };
        if (!digits(min)) return false;
        max = min;
        if (p < cps_.size() && cps_[p] == ',') {
            ++p;
            if (!digits(max)) max = -1;
        }
        if (p >= cps_.size() || cps_[p] != '}') return false;
        pos_ = p + 1;
        return true;
    }

    std::unique_ptr<Node> parse_quantifier(std::unique_ptr<Node> atom) {
        int min = 0, max = 0;
        const uint32_t c = peek();
        if (c == '*') { min = 0; max = -1; ++pos_; }
        else if (c == '+') { min = 1; max = -1; ++pos_; }
        else if (c == '?') { min = 0; max = 1; ++pos_; }
        else if (c == '{' && parse_braces(min, max)) {}
        else return atom;
        if (atom->kind == Kind::Start || atom->kind == Kind::End || atom->kind == Kind::LookAhead ||
            atom->kind == Kind::NegativeLookAhead) {
            fail("quantified assertion");
        }
        if (max >= 0 && max < min) fail("bad repeat range");
        auto rep = std::make_unique<Node>();
        rep->kind = Kind::Repeat;
        rep->min = min;
        rep->max = max;
        if (peek() == '?') {
            rep->greedy = false;
            ++pos_;
        }
        rep->kids.push_back(std::move(atom));
        return rep;
    }

    std::unique_ptr<Node> parse_atom() {
        const uint32_t c = next();
        auto node = std::make_unique<Node>();
        switch (c) {
            case '(': {
                node->kind = Kind::Group;
                if (peek() == '?') {
                    const uint32_t t = peek(1);
                    if (t == ':') node->kind = Kind::Group;
                    else if (t == '=') node->kind = Kind::LookAhead;
                    else if (t == '!') node->kind = Kind::NegativeLookAhead;
                    else fail("unsupported group (?" + std::string(1, static_cast<char>(t)));
                    pos_ += 2;
                }
                node->kids.push_back(parse_alternation());
                if (next() != ')') fail("missing ')'");
                return node;
            }
            case '[':
                node->kind = Kind::Class;
                node->cls = parse_class();
                return node;
            case '.':
                node->kind = Kind::Class;
                node->cls.negated = true;
                node->cls.items = {range_item('\n', '\n'), range_item('\r', '\r'), range_item(0x2028, 0x2029)};
                return node;
            case '^': node->kind = Kind::Start; return node;
            case '$': node->kind = Kind::End; return node;
            case '\\':
                node->kind = Kind::Class;
                node->cls.items.push_back(parse_escape());
                return node;
            case ')': fail("unbalanced ')'");
            case '*': case '+': case '?': fail("nothing to repeat");
            default:
                node->kind = Kind::Class;
                node->cls.items.push_back(range_item(c, c));
                return node;
        }
    }

    uint32_t hex_digits(int count) {
        uint32_t v = 0;
        for (int i = 0; i < count; ++i) {
            const uint32_t d = next();
            if (d >= '0' && d <= '9') v = v * 16 + (d - '0');
            else if (d >= 'a' && d <= 'f') v = v * 16 + (d - 'a' + 10);
            else if (d >= 'A' && d <= 'F') v = v * 16 + (d - 'A' + 10);
            else fail("bad hex escape");
        }
        return v;
    }

    // After a backslash: one class item (a single code point is a one-element range).
    ClassItem parse_escape() {
        const uint32_t c = next();
        switch (c) {
            case 'n': return range_item('\n', '\n');
            case 'r': return range_item('\r', '\r');
            case 't': return range_item('\t', '\t');
            case 'f': return range_item('\f', '\f');
            case 'v': return range_item('\v', '\v');
            case '0': return range_item(0, 0);
            case 'x': { const uint32_t v = hex_digits(2); return range_item(v, v); }
            case 'u': { const uint32_t v = hex_digits(4); return range_item(v, v); }
            case 's': return prop_item(kSpace, false);
            case 'S': return prop_item(kSpace, true);
            case 'd': return range_item('0', '9');
            case 'D': { CharClass d; d.negated = true; d.items = {range_item('0', '9')}; return class_item(d); }
            case 'w': return class_item(word_class());
            case 'W': { CharClass w = word_class(); w.negated = true; return class_item(w); }
            case 'p':
            case 'P': {
                if (next() != '{') fail("expected '{' after \\p");
                std::string name;
                for (uint32_t ch = next(); ch != '}'; ch = next()) name += static_cast<char>(ch);
                uint8_t prop = 0;
                if (name == "L" || name == "Lu" || name == "Ll" || name == "Lt" || name == "Lm" || name == "Lo") prop = kLetter;
                else if (name == "N") prop = kNumber;
                else if (name == "P") prop = kPunctuation;
                else if (name == "S") prop = kSymbol;
                else if (name == "M") prop = kMark;
                else fail("unsupported property \\p{" + name + "}");
                return prop_item(prop, c == 'P');
            }
            case 'b': case 'B': fail("word boundaries are not supported");
            default:
                if (c >= '1' && c <= '9') fail("backreferences are not supported");
                return range_item(c, c);  // \$ \. \- \\ \[ …: the character itself
        }
    }

    CharClass parse_class() {
        CharClass cls;
        if (peek() == '^') {
            cls.negated = true;
            ++pos_;
        }
        while (true) {
            if (at_end()) fail("missing ']'");
            const uint32_t c = next();
            if (c == ']') break;  // ECMAScript: even first, ']' closes ("[]" is an empty class)
            ClassItem item;
            if (c == '\\') {
                item = parse_escape();
            } else {
                item = range_item(c, c);
            }
            // A range a-b between two single code points ('-' before ']' is a literal).
            if (item.type == ClassItem::Type::Range && item.lo == item.hi && peek() == '-' && peek(1) != ']' &&
                peek(1) != 0xFFFFFFFF) {
                ++pos_;
                uint32_t hi = next();
                if (hi == '\\') {
                    const ClassItem end_item = parse_escape();
                    if (end_item.type != ClassItem::Type::Range || end_item.lo != end_item.hi) fail("bad class range");
                    hi = end_item.lo;
                }
                if (hi < item.lo) fail("class range out of order");
                item.hi = hi;
            }
            cls.items.push_back(std::move(item));
        }
        return cls;
    }

    std::string_view pattern_;
    std::vector<uint32_t> cps_;
    size_t pos_ = 0;
};

// Sets Node::width bottom-up.
int mark_widths(Node& n) {
    for (auto& kid : n.kids) mark_widths(*kid);
    auto body_width = [&] { return n.kids[0]->width; };
    switch (n.kind) {
        case Kind::Class: n.width = 1; break;
        case Kind::Group: n.width = body_width(); break;
        case Kind::Start:
        case Kind::End: n.width = 0; break;
        case Kind::LookAhead:
        case Kind::NegativeLookAhead: n.width = body_width() >= 0 ? 0 : -1; break;
        case Kind::Alternation: {
            n.width = n.kids[0]->width;
            for (auto& kid : n.kids) {
                if (kid->width != n.width) n.width = -1;
            }
            break;
        }
        case Kind::Sequence: {
            n.width = 0;
            for (auto& kid : n.kids) {
                if (kid->width < 0) {
                    n.width = -1;
                    break;
                }
                n.width += kid->width;
            }
            break;
        }
        case Kind::Repeat:
            n.width = (n.min == n.max && body_width() >= 0) ? n.min * body_width() : -1;
            break;
    }
    return n.width;
}

}  // namespace

std::unique_ptr<RegexNode> parse_regex(std::string_view pattern) {
    std::unique_ptr<RegexNode> root = Parser(pattern).parse();
    mark_widths(*root);
    return root;
}

}  // namespace chord::tokenizer
