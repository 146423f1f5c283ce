#include "tokenizer/pre_tokenizer.h"

#include "tokenizer/utf8.h"

namespace chord::tokenizer {

namespace {

// The published pre-tokenizer regexes of each model family, in the form llama.cpp runs them
// (case-insensitive contractions spelled out as [sS]…, since std::regex has no (?i)).
constexpr const char* kGpt2 = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";
constexpr const char* kLlama3 =
    R"((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
constexpr const char* kQwen2 =
    R"((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
constexpr const char* kCjk = R"([一-龥ࠀ-一가-퟿]+)";
constexpr const char* kPoro = R"( ?[^(\s|.,!?…。，、।۔،)]+)";

std::vector<const char*> patterns_for(PreTokenizerKind kind) {
    using K = PreTokenizerKind;
    switch (kind) {
        case K::Default: return {R"([\p{P}\$\+<=>\^~\|]+)", kGpt2, R"(\p{N}+)", R"([0-9][0-9][0-9])"};
        case K::Gpt2: return {kGpt2};
        case K::Llama3: return {kLlama3};
        case K::ChatGlm4: return {kLlama3};
        case K::DeepseekLlm:
            // Cased letters (Lu, Ll, Lt). Code points that Unicode normalization would change are
            // escaped so no editor can silently rewrite them.
            return {
                R"([\r\n])",
                R"(\s?[A-Za-zµÀ-ÖØ-öø-ƺƼ-ƿǄ-ʓʕ-ʯͰ-ͳͶͷͻ-ͽͿΆΈ-ΊΌΎ-ΡΣ-ϵϷ-ҁҊ-ԯԱ-ՖႠ-ჅᎠ-Ᏽᏸ-ᏽᲐ-ᲺᲽ-Ჿᴀ-ᴫᵫ-ᵷᵹ-ᶚḀ-ἕἘ-Ἕἠ-ὅὈ-Ὅὐ-ὗὙὛὝὟ-\u1F7Dᾀ-ᾴᾶ-ᾼ\u1FBEῂ-ῄῆ-ῌῐ-\u1FD3ῖ-\u1FDBῠ-Ῥῲ-ῴῶ-ῼℂℇℊ-ℓℕℙ-ℝℤ\u2126ℨ\u212A-ℭℯ-ℴℹℼ-ℿⅅ-ⅉⅎↃↄⰀ-ⱻⱾ-ⳤⳫ-ⳮⳲⳳꙀ-ꙭꚀ-ꚛꜢ-ꝯꝱ-ꞇꞋ-ꞎꭰ-ꮿﬀ-ﬆﬓ-ﬗＡ-Ｚａ-ｚ𐐀-𐑏𐒰-𐓓𐓘-𐓻𐲀-𐲲𐳀-𐳲𑢠-𑣟𞤀-𞥃]+)",
                R"(\s?[!-/:-~！-／：-～‘-‟　-。]+)",
                R"(\s+$)",
                kCjk,
                R"(\p{N}+)",
            };
        case K::DeepseekCoder: return {R"([\r\n])", R"(\s?\p{L}+)", R"(\s?\p{P}+)", kCjk, R"(\p{N})"};
        case K::Deepseek3:
            return {
                R"(\p{N}{1,3})",
                R"([一-龥぀-ゟ゠-ヿ]+)",
                R"([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+| ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)",
            };
        case K::Falcon: return {R"([\p{P}\$\+<=>\^~\|`]+)", kGpt2, R"([0-9][0-9][0-9])"};
        case K::Starcoder: return {R"(\p{N})", kGpt2};
        case K::Qwen2: return {kQwen2};
        case K::Grok2: return {kQwen2};
        case K::Qwen35:
            return {R"((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+|\p{N}| ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)"};
        case K::Poro: return {kPoro};
        case K::Viking: return {kPoro, R"(\p{N})"};
        case K::Tekken:
            return {R"([^\r\n\p{L}\p{N}]?((?=[\p{L}])([^a-z]))*((?=[\p{L}])([^A-Z]))+|[^\r\n\p{L}\p{N}]?((?=[\p{L}])([^a-z]))+((?=[\p{L}])([^A-Z]))*|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)"};
        case K::Chameleon:
            return {R"(<sentinel:[0-9]+>)", R"((IMGIMG)((A|B|C|D|E|F|G|H|I){1,4})Z)", "([\t\n]|    |  )", R"(\p{N})",
                    R"([\p{P}!-/:-@\[-`{-~])", kGpt2};
        case K::Gpt4o:
            return {R"([^\r\n\p{L}\p{N}]?((?=[\p{L}])([^a-z]))*((?=[\p{L}])([^A-Z]))+(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|[^\r\n\p{L}\p{N}]?((?=[\p{L}])([^a-z]))+((?=[\p{L}])([^A-Z]))*(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)"};
        case K::SeedCoder:
            return {R"((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1}| ?[^\s\p{L}\p{N}\r\n]+|\s*[\r\n]+|\s+(?!\S)|\s+)"};
        case K::BailingMoe:
            return {R"('(?:[sSdDmMtT]|[lL][lL]|[vV][eE]|[rR][eE])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]|\s+(?!\S)|\s+)"};
        case K::Superbpe: return {R"(\p{N}+)", R"((?=(\d{3})+(?!\d)))"};
    }
    return {kGpt2};
}

// Splits [begin, begin + length) by one regex into matches and the gaps between them, the way
// std::regex_iterator walks a range (after an empty match, a non-empty match at the same place
// is tried before moving on). Pieces of length 0 are dropped.
void split_piece(const Regex& regex, const RegexSubject& subject, size_t begin, size_t length,
                 std::vector<size_t>& out) {
    const size_t end = begin + length;
    size_t cut = begin;  // end of the last piece written
    size_t from = begin;
    bool last_was_empty = false;
    while (from <= end) {
        size_t match_begin = 0, match_end = 0;
        bool found = false;
        if (last_was_empty) {
            if (regex.match_non_empty_at(subject, begin, end, from, match_end)) {
                match_begin = from;
                found = true;
            } else if (from < end) {
                found = regex.search(subject, begin, end, from + 1, match_begin, match_end);
            }
        } else {
            found = regex.search(subject, begin, end, from, match_begin, match_end);
        }
        if (!found) break;
        if (match_begin > cut) out.push_back(match_begin - cut);
        if (match_end > match_begin) out.push_back(match_end - match_begin);
        cut = match_end;
        from = match_end;
        last_was_empty = match_end == match_begin;
    }
    if (end > cut) out.push_back(end - cut);
}

}  // namespace

PreTokenizer::PreTokenizer(PreTokenizerKind kind) {
    for (const char* pattern : patterns_for(kind)) regexes_.emplace_back(pattern);
}

std::vector<std::string> PreTokenizer::split(std::string_view text) const {
    const RegexSubject subject(to_code_points(text));
    std::vector<size_t> lengths = {subject.cps.size()};  // code points per piece
    std::vector<size_t> next;
    for (const Regex& regex : regexes_) {
        next.clear();
        size_t start = 0;
        for (size_t length : lengths) {
            split_piece(regex, subject, start, length, next);
            start += length;
        }
        lengths.swap(next);
    }

    std::vector<std::string> words;
    words.reserve(lengths.size());
    size_t start = 0;
    for (size_t length : lengths) {
        std::string word;
        for (size_t i = start; i < start + length; ++i) append_utf8(word, subject.cps[i]);
        words.push_back(std::move(word));
        start += length;
    }
    return words;
}

}  // namespace chord::tokenizer
