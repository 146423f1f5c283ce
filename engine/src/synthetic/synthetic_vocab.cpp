// The synthetic SentencePiece vocabulary (same list as ../shared/ref/make_model.py's make_vocab).
#include <string>
#include <unordered_set>

#include <fmt/format.h>

#include "chord/error.h"
#include "chord/synthetic_model.h"

namespace chord {

namespace {

// llama_token_type values.
constexpr int32_t kTokenNormal = 1, kTokenUnknown = 2, kTokenControl = 3, kTokenByte = 6;
const std::string kWordBoundary = "\xE2\x96\x81";  // U+2581 "▁", SentencePiece's space marker

// Unique pieces in make_model.py's order until `wanted` are collected.
class PieceList {
public:
    explicit PieceList(size_t wanted) : wanted_(wanted) {}
    bool full() const { return pieces.size() >= wanted_; }
    void add(const std::string& p) {
        if (!full() && seen_.insert(p).second) pieces.push_back(p);
    }
    std::vector<std::string> pieces;

private:
    size_t wanted_;
    std::unordered_set<std::string> seen_;
};

// The i-th lowercase string of length len in lexicographic order ("aa", "ab", …).
std::string letters_ngram(uint64_t i, int len) {
    std::string s(static_cast<size_t>(len), 'a');
    for (int k = len - 1; k >= 0; --k) {
        s[static_cast<size_t>(k)] = static_cast<char>('a' + i % 26);
        i /= 26;
    }
    return s;
}

}  // namespace

SyntheticVocab synthetic_vocab(int n_vocab) {
    constexpr int kFixed = 3 + 256;
    if (n_vocab <= kFixed)
        throw Error(ErrorKind::InvalidArgument,
                    fmt::format("vocabulary size {} is too small: it needs more than {} tokens (3 special + 256 bytes)",
                                n_vocab, kFixed));
    SyntheticVocab v;
    v.tokens = {"<unk>", "<s>", "</s>"};
    v.token_types = {kTokenUnknown, kTokenControl, kTokenControl};
    for (int b = 0; b < 256; ++b) {
        v.tokens.push_back(fmt::format("<0x{:02X}>", b));
        v.token_types.push_back(kTokenByte);
    }
    v.scores.assign(v.tokens.size(), 0.0f);

    PieceList list(static_cast<size_t>(n_vocab - kFixed));
    list.add(kWordBoundary);
    for (char c = 33; c < 127; ++c) {
        list.add(kWordBoundary + std::string(1, c));
        list.add(std::string(1, c));
    }
    for (int len = 2; !list.full(); ++len) {
        uint64_t count = 1;
        for (int k = 0; k < len; ++k) count *= 26;
        for (uint64_t i = 0; i < count && !list.full(); ++i) {
            const std::string s = letters_ngram(i, len);
            list.add(kWordBoundary + s);
            list.add(s);
        }
    }
    for (size_t i = 0; i < list.pieces.size(); ++i) {
        v.tokens.push_back(list.pieces[i]);
        v.token_types.push_back(kTokenNormal);
        v.scores.push_back(-static_cast<float>(i));  // earlier pieces are "more frequent"
    }
    return v;
}

}  // namespace chord
