#pragma once
// BPE pre-tokenizer: splits text into words before merges, by the ordered list of regexes that
// the vocabulary's tokenizer.ggml.pre names. Each regex splits every piece left by the previous
// ones into its matches and the text between them (llama.cpp's unicode_regex_split).
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/pre_tokenizer_kind.h"
#include "tokenizer/regex.h"

namespace chord::tokenizer {

class PreTokenizer {
public:
    explicit PreTokenizer(PreTokenizerKind kind);

    // Words as UTF-8 (invalid input bytes have become U+FFFD, as in llama.cpp).
    std::vector<std::string> split(std::string_view text) const;

private:
    std::vector<Regex> regexes_;
};

}  // namespace chord::tokenizer
