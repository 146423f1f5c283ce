#include "tokenizer/spm_tokenizer.h"

#include <queue>

#include "tokenizer/token_text.h"
#include "tokenizer/utf8.h"

namespace chord::tokenizer {

namespace {

// One piece of the text being merged: a doubly linked list over the initial characters, where a
// merged piece keeps the start of its left part and grows; the right part is emptied (n = 0).
struct Symbol {
    int prev;
    int next;
    size_t start;  // byte offset into the run
    size_t n;      // bytes; 0 once merged into its left neighbour
};

struct Bigram {
    int left;
    int right;
    float score;
    size_t size;  // bytes of left + right when queued; a stale entry no longer matches
};

// Highest score first; equal scores: the leftmost pair first (llama.cpp's order).
struct BigramOrder {
    bool operator()(const Bigram& a, const Bigram& b) const {
        return a.score < b.score || (a.score == b.score && a.left > b.left);
    }
};

}  // namespace

SpmTokenizer::SpmTokenizer(Vocab vocab) : Tokenizer(std::move(vocab)), table_(vocab_) {
    for (int b = 0; b < 256; ++b) {
        TokenId id = table_.find(byte_token_text(static_cast<uint8_t>(b)));
        if (id < 0) id = table_.find(std::string(1, static_cast<char>(b)));
        byte_tokens_[static_cast<size_t>(b)] = id;
    }
}

std::vector<TokenId> SpmTokenizer::encode(std::string_view text, const EncodeOptions& options) const {
    std::vector<TokenId> out;
    if (options.add_special && vocab_.add_bos && vocab_.bos >= 0) out.push_back(vocab_.bos);

    // The start of the input counts as following a special token, unless it continues earlier text.
    bool after_special = !options.continues_text;
    for (const Fragment& fragment : table_.partition(text, options)) {
        if (fragment.token >= 0) {
            out.push_back(fragment.token);
            after_special = true;
            continue;
        }
        // reserve + push_back: assigning " " then appending trips g++ 12's false -Wrestrict under ASan.
        std::string run;
        run.reserve(fragment.text.size() + 1);
        if (vocab_.add_space_prefix && after_special) run.push_back(' ');
        run.append(fragment.text);
        encode_run(escape_spaces(run), out);
        after_special = false;
    }

    if (options.add_special && vocab_.add_eos && vocab_.eos >= 0) out.push_back(vocab_.eos);
    return out;
}

void SpmTokenizer::encode_run(std::string_view text, std::vector<TokenId>& out) const {
    // Initial symbols: one per character (llama.cpp's length-from-lead-byte rule, so malformed
    // UTF-8 still splits deterministically).
    std::vector<Symbol> symbols;
    symbols.reserve(text.size());
    for (size_t offset = 0; offset < text.size();) {
        const size_t len = std::min(utf8_sequence_length(static_cast<uint8_t>(text[offset])), text.size() - offset);
        const int index = static_cast<int>(symbols.size());
        symbols.push_back({index - 1, offset + len == text.size() ? -1 : index + 1, offset, len});
        offset += len;
    }

    std::priority_queue<Bigram, std::vector<Bigram>, BigramOrder> queue;
    auto try_add = [&](int left, int right) {
        if (left < 0 || right < 0) return;
        const std::string_view pair = text.substr(symbols[left].start, symbols[left].n + symbols[right].n);
        const TokenId id = table_.find(pair);
        if (id < 0) return;
        queue.push({left, right, vocab_.scores[static_cast<size_t>(id)], pair.size()});
    };
    for (int i = 1; i < static_cast<int>(symbols.size()); ++i) try_add(i - 1, i);

    while (!queue.empty()) {
        const Bigram bigram = queue.top();
        queue.pop();
        Symbol& left = symbols[bigram.left];
        Symbol& right = symbols[bigram.right];
        if (left.n == 0 || right.n == 0 || left.n + right.n != bigram.size) continue;  // stale

        left.n += right.n;
        right.n = 0;
        left.next = right.next;
        if (right.next >= 0) symbols[right.next].prev = bigram.left;

        try_add(left.prev, bigram.left);
        try_add(bigram.left, left.next);
    }

    // Every merged piece is a token by construction; a piece that is not (a single character no
    // token covers) is spelled out as byte tokens, or UNK when the vocabulary has no byte tokens.
    for (int i = symbols.empty() ? -1 : 0; i != -1; i = symbols[i].next) {
        const std::string_view piece_text = text.substr(symbols[i].start, symbols[i].n);
        const TokenId id = table_.find(piece_text);
        if (id >= 0) {
            out.push_back(id);
            continue;
        }
        for (char c : piece_text) {
            const TokenId byte_id = byte_tokens_[static_cast<uint8_t>(c)];
            if (byte_id >= 0) {
                out.push_back(byte_id);
            } else if (vocab_.unk >= 0) {
                out.push_back(vocab_.unk);
            }
        }
    }
}

std::string SpmTokenizer::piece(TokenId id, bool render_special) const {
    return sentencepiece_piece(vocab_, id, render_special);
}

}  // namespace chord::tokenizer
