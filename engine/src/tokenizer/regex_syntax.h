#pragma once
// The compiled form of a pre-tokenizer regex (regex.h): a tree of nodes over character classes.
// regex_parser.cpp builds it; regex.cpp matches it.
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace chord::tokenizer {

// Property bits of a code point, as the classes \s \p{L} \p{N} \p{P} \p{S} \p{M} test them.
enum PropBits : uint8_t {
    kSpace = 1, kLetter = 2, kNumber = 4, kPunctuation = 8, kSymbol = 16, kMark = 32,
};

// The property bits of one code point, with llama.cpp's ASCII sets for \p{P} and \p{S}.
uint8_t regex_props_of(uint32_t cp);

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

struct RegexNode {
    enum class Kind { Class, Sequence, Alternation, Group, Repeat, LookAhead, NegativeLookAhead, Start, End };
    Kind kind = Kind::Sequence;
    CharClass cls;
    std::vector<std::unique_ptr<RegexNode>> kids;
    int min = 0;
    int max = -1;  // -1: unbounded
    bool greedy = true;
    // Code points this node always consumes, or -1. A node of fixed width is matched as a predicate
    // (no backtracking inside it), so a repeat of it runs as a loop instead of a recursion.
    int width = -1;
};

// Parses an ECMAScript-subset pattern; throws std::invalid_argument naming the problem.
std::unique_ptr<RegexNode> parse_regex(std::string_view pattern);

}  // namespace chord::tokenizer
