#pragma once
// A small backtracking regular-expression engine over code points, for the BPE pre-tokenizers.
// It implements the ECMAScript subset llama.cpp's pre-tokenizer patterns use — alternation, groups,
// (?: ) (?= ) (?! ), greedy and lazy ? * + {n,m}, classes with ranges, \s \d \w, \p{L} \p{N} \p{P}
// \p{S} \p{M} (and \p{Lu}…, which llama.cpp treats as \p{L}), ^ and $ — with llama.cpp's meanings:
//   * \s is the Unicode White_Space property;
//   * \p{X} for ASCII is the ASCII set std::regex gets from llama.cpp's rewrite (so \p{S} lacks '~'),
//     and for other code points the Unicode major category;
//   * literals and ranges compare against the code point, except that non-ASCII white space counts
//     as U+000B (llama.cpp feeds std::wregex that substitution).
// Anything else in a pattern (\b, backreferences, (?i) …) is rejected when the pattern is compiled.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace chord::tokenizer {

// The text being split: its code points and a per-code-point property byte (see regex.cpp).
struct RegexSubject {
    explicit RegexSubject(std::vector<uint32_t> code_points);
    std::vector<uint32_t> cps;
    std::vector<uint32_t> keys;   // cps with non-ASCII white space replaced by U+000B
    std::vector<uint8_t> props;   // PropBits (regex_syntax.h) of each code point
};

struct RegexNode;  // regex_syntax.h

class Regex {
public:
    explicit Regex(std::string_view pattern);  // throws std::invalid_argument naming the problem
    ~Regex();
    Regex(Regex&&) noexcept;
    Regex& operator=(Regex&&) noexcept;

    // The leftmost match inside [begin, end) that starts at or after from. The match cannot see
    // past end (lookaheads and $ treat end as the end of the text). Returns false if none.
    bool search(const RegexSubject& subject, size_t begin, size_t end, size_t from, size_t& match_begin,
                size_t& match_end) const;

    // Whether a match can start exactly at pos and end at a position other than pos.
    bool match_non_empty_at(const RegexSubject& subject, size_t begin, size_t end, size_t pos,
                            size_t& match_end) const;

private:
    std::unique_ptr<RegexNode> root_;
};

}  // namespace chord::tokenizer
