// Lookups over the generated Unicode tables (binary searches over sorted runs).
#include <algorithm>

#include "tokenizer/unicode_tables.h"

namespace chord::tokenizer {

using namespace unicode_data;

CharCategory char_category(uint32_t cp) {
    if (cp >= 0x110000) return CharCategory::Other;
    const CategoryRun* end = kCategoryRuns + kCategoryRunCount;
    const CategoryRun* run = std::upper_bound(kCategoryRuns, end, cp,
                                              [](uint32_t c, const CategoryRun& r) { return c < r.first; });
    return static_cast<CharCategory>((run - 1)->category);
}

bool is_white_space(uint32_t cp) {
    if (cp < 0x80) return cp == ' ' || (cp >= 0x09 && cp <= 0x0D);
    return std::binary_search(kWhiteSpace, kWhiteSpace + kWhiteSpaceCount, cp);
}

uint32_t to_lower(uint32_t cp) {
    if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
    const CodePointPair* end = kLowercase + kLowercaseCount;
    const CodePointPair* it =
        std::lower_bound(kLowercase, end, cp, [](const CodePointPair& p, uint32_t c) { return p.from < c; });
    return (it != end && it->from == cp) ? it->to : cp;
}

uint32_t nfd_first(uint32_t cp) {
    if (cp < 0xC0) return cp;
    const DecompositionRun* end = kNfdFirst + kNfdFirstCount;
    const DecompositionRun* it = std::upper_bound(kNfdFirst, end, cp,
                                                  [](uint32_t c, const DecompositionRun& r) { return c < r.first; });
    if (it == kNfdFirst) return cp;
    --it;
    return cp <= it->last ? it->target : cp;
}

}  // namespace chord::tokenizer
