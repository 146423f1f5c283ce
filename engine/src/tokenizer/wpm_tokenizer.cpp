#include "tokenizer/wpm_tokenizer.h"

#include <algorithm>

#include "tokenizer/token_text.h"
#include "tokenizer/unicode_tables.h"
#include "tokenizer/utf8.h"

namespace chord::tokenizer {

namespace {

// The CJK ranges BERT splits into single-character words (as in Hugging Face's code, including
// its 0x2B920 start where 0x2B820 was meant).
bool is_cjk(uint32_t cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF) ||
           (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B920 && cp <= 0x2CEAF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}

}  // namespace

WpmTokenizer::WpmTokenizer(Vocab vocab) : Tokenizer(std::move(vocab)), table_(vocab_) {
    for (const std::string& t : vocab_.tokens) max_token_bytes_ = std::max(max_token_bytes_, t.size());
}

std::vector<std::string> WpmTokenizer::words_of(std::string_view text) const {
    std::vector<std::string> words(1);
    for (uint32_t cp : to_code_points(text)) {
        if (vocab_.strip_accents) cp = nfd_first(cp);
        if (is_white_space(cp)) {
            if (!words.back().empty()) words.emplace_back();
            continue;
        }
        const CharCategory category = char_category(cp);
        if (cp == 0 || cp == 0xFFFD || category == CharCategory::Other) continue;  // control, unassigned
        if (vocab_.strip_accents && category == CharCategory::Mark) continue;

        std::string s;
        append_utf8(s, vocab_.lowercase ? to_lower(cp) : cp);
        if (category == CharCategory::Punctuation || (cp < 0x7F && category == CharCategory::Symbol) || is_cjk(cp)) {
            if (!words.back().empty()) words.emplace_back();
            words.back() = std::move(s);  // a word of its own
            words.emplace_back();
        } else {
            words.back() += s;
        }
    }
    if (words.back().empty()) words.pop_back();
    return words;
}

void WpmTokenizer::encode_word(const std::string& word, std::vector<TokenId>& out) const {
    const std::string marked = std::string(kSpaceMark) + word;  // the word start carries ▁
    const size_t n = marked.size();
    const size_t before = out.size();
    for (size_t i = 0; i < n;) {
        bool matched = false;
        for (size_t j = std::min(n, i + max_token_bytes_ + 1); j > i; --j) {
            const TokenId id = table_.find(std::string_view(marked).substr(i, j - i));
            if (id >= 0) {
                out.push_back(id);
                matched = true;
                i = j;
                break;
            }
        }
        if (!matched) {
            out.resize(before);  // one unmatched part makes the whole word unknown
            break;
        }
    }
    if (out.size() == before) out.push_back(vocab_.unk);
}

std::vector<TokenId> WpmTokenizer::encode(std::string_view text, const EncodeOptions& options) const {
    std::vector<TokenId> out;
    if (options.add_special && vocab_.add_bos && vocab_.bos >= 0) out.push_back(vocab_.bos);
    for (const Fragment& fragment : table_.partition(text, options)) {
        if (fragment.token >= 0) {
            out.push_back(fragment.token);
            continue;
        }
        for (const std::string& word : words_of(fragment.text)) encode_word(word, out);
    }
    if (options.add_special && vocab_.add_sep && vocab_.sep >= 0) out.push_back(vocab_.sep);
    return out;
}

std::string WpmTokenizer::piece(TokenId id, bool render_special) const {
    return sentencepiece_piece(vocab_, id, render_special);
}

}  // namespace chord::tokenizer
