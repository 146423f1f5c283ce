#pragma once
// Unicode character properties for the pre-tokenizers and the WordPiece normalizer, from range
// tables generated out of the Unicode Character Database (engine/tools/gen_unicode_tables.py →
// unicode_tables.cpp). Defined as llama.cpp defines them, so text splits the same way.
#include <cstddef>
#include <cstdint>

namespace chord::tokenizer {

// Major general category. Unassigned code points are Other, as Unicode's \p{C} counts them.
enum class CharCategory : uint8_t { Other = 0, Letter, Number, Punctuation, Symbol, Mark, Separator };

CharCategory char_category(uint32_t cp);   // code points past U+10FFFF: Other
bool is_white_space(uint32_t cp);           // the White_Space property (what \s matches)
uint32_t to_lower(uint32_t cp);             // simple lowercase mapping, cp itself if none
uint32_t nfd_first(uint32_t cp);            // first code point of the canonical decomposition

namespace unicode_data {
struct CategoryRun {
    uint32_t first;
    uint8_t category;  // CharCategory
};
struct CodePointPair {
    uint32_t from;
    uint32_t to;
};
struct DecompositionRun {
    uint32_t first;
    uint32_t last;
    uint32_t target;
};
extern const CategoryRun kCategoryRuns[];
extern const size_t kCategoryRunCount;
extern const uint32_t kWhiteSpace[];
extern const size_t kWhiteSpaceCount;
extern const CodePointPair kLowercase[];
extern const size_t kLowercaseCount;
extern const DecompositionRun kNfdFirst[];
extern const size_t kNfdFirstCount;
}  // namespace unicode_data

}  // namespace chord::tokenizer
