// Fuzzes a tokenizer with a real vocabulary (CHORD_FUZZ_VOCAB, loaded once). The first input byte picks
// the flags, the rest is text to encode and also a list of ids to decode. Checks, besides no crash:
// every id encode returns is in the vocabulary, and the streaming detokenizer emits valid UTF-8 whose
// concatenation equals the whole decoded text made valid (it never splits or loses a character).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/spdlog.h>

#include "chord/gguf.h"
#include "chord/tokenizer.h"
#include "tokenizer/utf8.h"

namespace {

std::unique_ptr<chord::Tokenizer> g_tokenizer;

[[noreturn]] void violated(const char* what) {
    std::fprintf(stderr, "fuzz_tokenizer: %s\n", what);
    std::abort();
}

void check_stream(const chord::Tokenizer& tok, const std::vector<chord::TokenId>& ids, bool render_special) {
    std::string whole;
    for (chord::TokenId id : ids) whole += tok.piece(id, render_special);
    if (render_special) return;  // the streaming detokenizer renders pieces without specials
    chord::StreamingDetokenizer stream(tok);
    std::string streamed;
    for (chord::TokenId id : ids) {
        const std::string part = stream.push(id);
        if (chord::tokenizer::sanitize_utf8(part) != part) violated("streamed piece is not valid UTF-8");
        streamed += part;
    }
    streamed += stream.flush();
    if (streamed != chord::tokenizer::sanitize_utf8(whole)) violated("streamed text differs from the decoded text");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    spdlog::set_level(spdlog::level::off);
    const char* path = std::getenv("CHORD_FUZZ_VOCAB");
    const auto file = chord::GgufFile::open(path ? path : CHORD_FUZZ_VOCAB);
    g_tokenizer = chord::Tokenizer::from_gguf(*file);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const chord::Tokenizer& tok = *g_tokenizer;
    const uint8_t flags = data[0];
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

    const std::vector<chord::TokenId> ids = tok.encode(text, flags & 1, flags & 2);
    for (chord::TokenId id : ids)
        if (id < 0 || id >= tok.vocab().size()) violated("encode returned an id outside the vocabulary");
    (void)tok.decode(ids, flags & 4);
    check_stream(tok, ids, false);

    // The same bytes as raw ids (any int32, most out of range): decode must not trust them.
    std::vector<chord::TokenId> raw((size - 1) / 4);
    if (!raw.empty()) std::memcpy(raw.data(), data + 1, raw.size() * 4);
    // Half of them folded into the vocabulary so real pieces get decoded too.
    for (size_t i = 0; i < raw.size(); i += 2)
        raw[i] = static_cast<chord::TokenId>(static_cast<uint32_t>(raw[i]) % static_cast<uint32_t>(tok.vocab().size()));
    (void)tok.decode(raw, flags & 8);
    check_stream(tok, raw, false);
    return 0;
}
