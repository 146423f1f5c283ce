#include "tokenizer/regex.h"

#include <stdexcept>
#include <string>
#include <utility>

#include "tokenizer/unicode_tables.h"
#include "tokenizer/utf8.h"

namespace chord::tokenizer {

namespace {

// Property bits per code point, with llama.cpp's ASCII sets for \p{P} and \p{S}.
enum PropBits : uint8_t {
    kSpace = 1, kLetter = 2, kNumber = 4, kPunctuation = 8, kSymbol = 16, kMark = 32,
};

uint8_t props_of(uint32_t cp) {
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

// Non-owning reference to a callable bool(size_t): the continuation of the backtracking matcher.
class Continuation {
public:
    template <typename F>
    Continuation(const F& f)  // NOLINT(google-explicit-constructor): passed as lambdas
        : object_(&f), call_([](const void* o, size_t p) { return (*static_cast<const F*>(o))(p); }) {}
    bool operator()(size_t pos) const { return call_(object_, pos); }

private:
    const void* object_;
    bool (*call_)(const void*, size_t);
};

struct CharClass;

struct ClassItem {
    enum class Type { Range, Prop, NotProp, Class } type = Type::Range;
    uint32_t lo = 0, hi = 0;
    uint8_t prop = 0;
    std::shared_ptr<const CharClass> sub;  // Type::Class: a nested class such as \D or \W
};

struct CharClass {
    bool negated = false;
    std::vector<ClassItem> items;

    bool matches(uint32_t key, uint8_t props) const {
        bool hit = false;
        for (const ClassItem& item : items) {
            switch (item.type) {
                case ClassItem::Type::Range: hit = key >= item.lo && key <= item.hi; break;
                case ClassItem::Type::Prop: hit = (props & item.prop) != 0; break;
                case ClassItem::Type::NotProp: hit = (props & item.prop) == 0; break;
                case ClassItem::Type::Class: hit = item.sub->matches(key, props); break;
            }
            if (hit) break;
        }
        return hit != negated;
    }
};

}  // namespace

struct Regex::Node {
    enum class Kind { Class, Sequence, Alternation, Group, Repeat, LookAhead, NegativeLookAhead, Start, End };
    Kind kind = Kind::Sequence;
    CharClass cls;
    std::vector<std::unique_ptr<Node>> kids;
    int min = 0;
    int max = -1;  // -1: unbounded
    bool greedy = true;
    // Code points this node always consumes, or -1. A node of fixed width is matched as a predicate
    // (no backtracking inside it), so a repeat of it runs as a loop instead of a recursion.
    int width = -1;
};

namespace {

using Node = Regex::Node;
using Kind = Node::Kind;

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

class Matcher {
public:
    Matcher(const RegexSubject& s, size_t begin, size_t end) : s_(s), begin_(begin), end_(end) {}

    // Whether a node of fixed width matches at pos (consuming exactly its width).
    bool test(const Node& n, size_t pos) const {
        switch (n.kind) {
            case Kind::Class: return pos < end_ && n.cls.matches(s_.keys[pos], s_.props[pos]);
            case Kind::Group: return test(*n.kids[0], pos);
            case Kind::Start: return pos == begin_;
            case Kind::End: return pos == end_;
            case Kind::LookAhead: return test(*n.kids[0], pos);
            case Kind::NegativeLookAhead: return !test(*n.kids[0], pos);
            case Kind::Alternation:
                for (const auto& kid : n.kids) {
                    if (test(*kid, pos)) return true;
                }
                return false;
            case Kind::Sequence:
                for (const auto& kid : n.kids) {
                    if (!test(*kid, pos)) return false;
                    pos += static_cast<size_t>(kid->width);
                }
                return true;
            case Kind::Repeat:
                for (int i = 0; i < n.min; ++i) {
                    if (!test(*n.kids[0], pos)) return false;
                    pos += static_cast<size_t>(n.kids[0]->width);
                }
                return true;
        }
        return false;
    }

    bool match(const Node& n, size_t pos, Continuation k) const {
        if (n.width >= 0) return test(n, pos) && k(pos + static_cast<size_t>(n.width));
        switch (n.kind) {
            case Kind::Sequence: return match_sequence(n, 0, pos, k);
            case Kind::Alternation:
                for (const auto& kid : n.kids) {
                    if (match(*kid, pos, k)) return true;
                }
                return false;
            case Kind::Group: return match(*n.kids[0], pos, k);
            case Kind::LookAhead: {
                const auto accept = [](size_t) { return true; };
                return match(*n.kids[0], pos, accept) && k(pos);
            }
            case Kind::NegativeLookAhead: {
                const auto accept = [](size_t) { return true; };
                return !match(*n.kids[0], pos, accept) && k(pos);
            }
            case Kind::Start: return pos == begin_ && k(pos);
            case Kind::End: return pos == end_ && k(pos);
            case Kind::Repeat: return n.kids[0]->width > 0 ? repeat_fixed(n, pos, k) : repeat(n, pos, 0, k);
            case Kind::Class: return false;  // classes have a fixed width
        }
        return false;
    }

private:
    bool match_sequence(const Node& n, size_t index, size_t pos, Continuation k) const {
        if (index == n.kids.size()) return k(pos);
        const auto rest = [&](size_t p) { return match_sequence(n, index + 1, p, k); };
        return match(*n.kids[index], pos, rest);
    }

    // A repeat of a fixed-width node: count the run once, then try the lengths in order.
    bool repeat_fixed(const Node& n, size_t pos, Continuation k) const {
        const Node& kid = *n.kids[0];
        const auto w = static_cast<size_t>(kid.width);
        const size_t room = (end_ - pos) / w;
        const size_t max = n.max < 0 ? room : std::min(room, static_cast<size_t>(n.max));
        const auto min = static_cast<size_t>(n.min);
        if (n.greedy) {
            size_t count = 0;
            while (count < max && test(kid, pos + count * w)) ++count;
            if (count < min) return false;
            for (size_t c = count + 1; c-- > min;) {
                if (k(pos + c * w)) return true;
            }
            return false;
        }
        for (size_t c = 0; c <= max; ++c) {
            if (c >= min && k(pos + c * w)) return true;
            if (c < max && !test(kid, pos + c * w)) return false;
        }
        return false;
    }

    bool repeat(const Node& n, size_t pos, int count, Continuation k) const {
        const bool may_stop = count >= n.min;
        const bool may_go_on = n.max < 0 || count < n.max;
        const auto again = [&](size_t p) {
            if (p == pos && may_stop) return false;  // an empty iteration cannot help: stop looping
            return repeat(n, p, count + 1, k);
        };
        if (n.greedy) {
            if (may_go_on && match(*n.kids[0], pos, again)) return true;
            return may_stop && k(pos);
        }
        if (may_stop && k(pos)) return true;
        return may_go_on && match(*n.kids[0], pos, again);
    }

    const RegexSubject& s_;
    size_t begin_;
    size_t end_;
};

}  // namespace

RegexSubject::RegexSubject(std::vector<uint32_t> code_points) : cps(std::move(code_points)) {
    keys.resize(cps.size());
    props.resize(cps.size());
    for (size_t i = 0; i < cps.size(); ++i) {
        props[i] = props_of(cps[i]);
        keys[i] = (cps[i] >= 0x80 && (props[i] & kSpace)) ? 0x0B : cps[i];
    }
}

Regex::Regex(std::string_view pattern) : root_(Parser(pattern).parse()) { mark_widths(*root_); }
Regex::~Regex() = default;
Regex::Regex(Regex&&) noexcept = default;
Regex& Regex::operator=(Regex&&) noexcept = default;

bool Regex::search(const RegexSubject& subject, size_t begin, size_t end, size_t from, size_t& match_begin,
                   size_t& match_end) const {
    const Matcher matcher(subject, begin, end);
    for (size_t start = from; start <= end; ++start) {
        size_t found = 0;
        const auto done = [&](size_t p) {
            found = p;
            return true;
        };
        if (matcher.match(*root_, start, done)) {
            match_begin = start;
            match_end = found;
            return true;
        }
    }
    return false;
}

bool Regex::match_non_empty_at(const RegexSubject& subject, size_t begin, size_t end, size_t pos,
                               size_t& match_end) const {
    const Matcher matcher(subject, begin, end);
    size_t found = 0;
    const auto done = [&](size_t p) {
        if (p == pos) return false;  // keep backtracking for a non-empty match
        found = p;
        return true;
    };
    if (!matcher.match(*root_, pos, done)) return false;
    match_end = found;
    return true;
}

}  // namespace chord::tokenizer
