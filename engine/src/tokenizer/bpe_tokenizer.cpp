#include "tokenizer/bpe_tokenizer.h"

#include <queue>

#include "chord/error.h"
#include "tokenizer/byte_level.h"
#include "tokenizer/token_text.h"
#include "tokenizer/utf8.h"

namespace chord::tokenizer {

namespace {

PreTokenizerKind kind_of(const Vocab& vocab) {
    const std::optional<PreTokenizerSettings> settings = pre_tokenizer_settings(vocab.pre);
    if (!settings) throw Error(ErrorKind::Unsupported, "unknown BPE pre-tokenizer '" + vocab.pre + "'");
    return settings->kind;
}

struct Symbol {
    int prev;
    int next;
    size_t start;  // byte offset into the word
    size_t n;      // bytes; 0 once merged into its left neighbour
};

struct Bigram {
    int left;
    int right;
    int rank;
    size_t start;  // byte range of left + right when queued, to recognise stale entries
    size_t size;
};

// Lowest rank first; equal ranks: leftmost first.
struct BigramOrder {
    bool operator()(const Bigram& a, const Bigram& b) const {
        return a.rank > b.rank || (a.rank == b.rank && a.left > b.left);
    }
};

}  // namespace

BpeTokenizer::BpeTokenizer(Vocab vocab)
    : Tokenizer(std::move(vocab)), table_(vocab_), pre_tokenizer_(kind_of(vocab_)) {
    ranks_.reserve(vocab_.merges.size());
    for (size_t i = 0; i < vocab_.merges.size(); ++i) {
        // "left right", split at the first space after the first byte (a merge never starts with
        // a space in the byte alphabet, but llama.cpp splits this way, so do we).
        const std::string& merge = vocab_.merges[i];
        const size_t space = merge.find(' ', 1);
        if (space == std::string::npos) continue;
        ranks_.emplace(merge, static_cast<int>(i));  // the first of duplicate merges wins
    }
    // The newline token is what "\n" encodes to.
    const std::vector<TokenId> nl = encode("\n", false, false);
    vocab_.nl = nl.empty() ? vocab_.pad : nl.front();
}

int BpeTokenizer::merge_rank(std::string_view left, std::string_view right, std::string& scratch) const {
    scratch.assign(left);
    scratch += ' ';
    scratch.append(right);
    const auto it = ranks_.find(std::string_view(scratch));
    return it == ranks_.end() ? -1 : it->second;
}

std::vector<TokenId> BpeTokenizer::encode(std::string_view text, const EncodeOptions& options) const {
    std::vector<TokenId> out;
    if (options.add_special && vocab_.add_bos && vocab_.bos >= 0) out.push_back(vocab_.bos);
    for (const Fragment& fragment : table_.partition(text, options)) {
        if (fragment.token >= 0) {
            out.push_back(fragment.token);
            continue;
        }
        const std::string run = vocab_.escape_whitespaces ? escape_spaces(fragment.text) : std::string(fragment.text);
        for (const std::string& word : pre_tokenizer_.split(run)) {
            if (!word.empty()) encode_word(byte_level_encode(word), out);
        }
    }
    if (options.add_special && vocab_.add_eos && vocab_.eos >= 0) out.push_back(vocab_.eos);
    return out;
}

void BpeTokenizer::encode_word(const std::string& word, std::vector<TokenId>& out) const {
    if (vocab_.ignore_merges) {
        const TokenId whole = table_.find(word);
        if (whole >= 0) {
            out.push_back(whole);
            return;
        }
    }

    std::vector<Symbol> symbols;
    for (size_t offset = 0; offset < word.size();) {
        const size_t len = std::min(utf8_sequence_length(static_cast<uint8_t>(word[offset])), word.size() - offset);
        const int index = static_cast<int>(symbols.size());
        symbols.push_back({index - 1, offset + len == word.size() ? -1 : index + 1, offset, len});
        offset += len;
    }

    std::string scratch;
    std::priority_queue<Bigram, std::vector<Bigram>, BigramOrder> queue;
    const std::string_view text(word);
    auto try_add = [&](int left, int right) {
        if (left < 0 || right < 0) return;
        const Symbol& l = symbols[left];
        const Symbol& r = symbols[right];
        const int rank = merge_rank(text.substr(l.start, l.n), text.substr(r.start, r.n), scratch);
        if (rank < 0) return;
        queue.push({left, right, rank, l.start, l.n + r.n});
    };
    for (int i = 1; i < static_cast<int>(symbols.size()); ++i) try_add(i - 1, i);

    while (!queue.empty()) {
        const Bigram bigram = queue.top();
        queue.pop();
        Symbol& left = symbols[bigram.left];
        Symbol& right = symbols[bigram.right];
        // Stale: one side was merged away, or the pair no longer spans the same bytes.
        if (left.n == 0 || right.n == 0 || left.start != bigram.start || left.n + right.n != bigram.size ||
            left.next != bigram.right) {
            continue;
        }
        left.n += right.n;
        right.n = 0;
        left.next = right.next;
        if (right.next >= 0) symbols[right.next].prev = bigram.left;
        try_add(left.prev, bigram.left);
        try_add(bigram.left, left.next);
    }

    for (int i = symbols.empty() ? -1 : 0; i != -1; i = symbols[i].next) {
        const std::string_view piece_text = text.substr(symbols[i].start, symbols[i].n);
        const TokenId id = table_.find(piece_text);
        if (id >= 0) {
            out.push_back(id);
            continue;
        }
        // No token: llama.cpp tries each byte of the piece alone and drops those that are not tokens.
        for (char c : piece_text) {
            const TokenId byte_id = table_.find(std::string_view(&c, 1));
            if (byte_id >= 0) out.push_back(byte_id);
        }
    }
}

std::string BpeTokenizer::piece(TokenId id, bool render_special) const {
    if (id < 0 || id >= vocab_.size()) return {};
    const std::string& text = vocab_.tokens[static_cast<size_t>(id)];
    switch (vocab_.kinds[static_cast<size_t>(id)]) {
        case TokenKind::Control:
        case TokenKind::Unknown:
            return render_special ? text : std::string();
        case TokenKind::UserDefined:
            return text;
        case TokenKind::Normal:
            return vocab_.escape_whitespaces ? unescape_spaces(text) : byte_level_decode(text);
        case TokenKind::Byte: {
            const std::optional<uint8_t> byte = parse_byte_token(text);
            return byte ? std::string(1, static_cast<char>(*byte)) : std::string();
        }
        case TokenKind::Unused:
        case TokenKind::Undefined:
            break;
    }
    return {};
}

}  // namespace chord::tokenizer
