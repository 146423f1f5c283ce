// StreamingDetokenizer: pieces are appended to a pending buffer and released up to the last
// complete UTF-8 character; bytes that can never form a character become U+FFFD.
#include "chord/tokenizer.h"
#include "tokenizer/utf8.h"

namespace chord {

std::string StreamingDetokenizer::push(TokenId id) {
    pending_ += tokenizer_->piece(id);
    const size_t held = tokenizer::incomplete_utf8_tail(pending_);
    std::string ready = tokenizer::sanitize_utf8(std::string_view(pending_).substr(0, pending_.size() - held));
    pending_.erase(0, pending_.size() - held);
    return ready;
}

std::string StreamingDetokenizer::flush() {
    std::string rest = tokenizer::sanitize_utf8(pending_);
    pending_.clear();
    return rest;
}

}  // namespace chord
