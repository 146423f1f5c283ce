// Tokenizer::create picks the algorithm for a vocabulary; decode and is_eog are shared by all.
#include "chord/tokenizer.h"

#include <algorithm>

#include "chord/error.h"
#include "tokenizer/bpe_tokenizer.h"
#include "tokenizer/spm_tokenizer.h"
#include "tokenizer/wpm_tokenizer.h"

namespace chord {

std::unique_ptr<Tokenizer> Tokenizer::create(Vocab vocab) {
    if (vocab.tokens.empty()) throw Error(ErrorKind::InvalidArgument, "tokenizer: the vocabulary is empty");
    if (vocab.kinds.size() != vocab.tokens.size() || vocab.scores.size() != vocab.tokens.size()) {
        throw Error(ErrorKind::InvalidArgument, "tokenizer: tokens, scores and kinds differ in length");
    }
    if (vocab.model == "llama") return std::make_unique<tokenizer::SpmTokenizer>(std::move(vocab));
    if (vocab.model == "gpt2") return std::make_unique<tokenizer::BpeTokenizer>(std::move(vocab));
    if (vocab.model == "bert") return std::make_unique<tokenizer::WpmTokenizer>(std::move(vocab));
    throw Error(ErrorKind::Unsupported, "tokenizer model '" + vocab.model + "' is not supported");
}

std::string Tokenizer::decode(const std::vector<TokenId>& ids, bool render_special) const {
    std::string text;
    for (TokenId id : ids) text += piece(id, render_special);
    return text;
}

bool Tokenizer::is_eog(TokenId id) const {
    return id >= 0 && std::binary_search(vocab_.eog.begin(), vocab_.eog.end(), id);
}

}  // namespace chord
