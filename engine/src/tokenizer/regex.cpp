#include "tokenizer/regex.h"

#include <algorithm>
#include <utility>

#include "tokenizer/regex_syntax.h"

namespace chord::tokenizer {

namespace {

using Node = RegexNode;
using Kind = RegexNode::Kind;

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
        props[i] = regex_props_of(cps[i]);
        keys[i] = (cps[i] >= 0x80 && (props[i] & kSpace)) ? 0x0B : cps[i];
    }
}

Regex::Regex(std::string_view pattern) : root_(parse_regex(pattern)) {}
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
