#pragma once
// Tokenizers read from a GGUF's tokenizer.ggml.* metadata.
// Text a user typed is never parsed into control tokens: only text marked as coming from a chat
// template (or an explicit API flag) may carry <s>, </s>, <|im_start|> and the like.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace chord {

class GgufFile;
using TokenId = int32_t;

// llama.cpp's token attribute numbering (tokenizer.ggml.token_type).
enum class TokenKind : int32_t { Undefined = 0, Normal = 1, Unknown = 2, Control = 3, UserDefined = 4, Unused = 5, Byte = 6 };

struct Vocab {
    std::string model;  // tokenizer.ggml.model: "llama" (SentencePiece), "gpt2" (byte-level BPE), "bert"…
    std::string pre;    // tokenizer.ggml.pre
    std::vector<std::string> tokens;
    std::vector<float> scores;
    std::vector<TokenKind> kinds;
    std::vector<std::string> merges;  // BPE only
    TokenId bos = -1, eos = -1, unk = -1, pad = -1, eot = -1, eom = -1, sep = -1, nl = -1;
    TokenId mask = -1;
    TokenId fim_pre = -1, fim_suf = -1, fim_mid = -1, fim_pad = -1, fim_rep = -1, fim_sep = -1;
    std::vector<TokenId> eog;  // end-of-generation set (eos, eot, eom, <|im_end|>…), sorted
    bool add_bos = true;
    bool add_eos = false;
    bool add_sep = false;           // WordPiece: [SEP] closes the sequence
    bool add_space_prefix = true;
    bool escape_whitespaces = true;  // spaces become U+2581 before tokenizing (SentencePiece style)
    bool ignore_merges = false;      // BPE: a pre-token that is itself a token is taken whole (llama3)
    bool clean_spaces = false;       // clean_up_tokenization_spaces (llama.cpp's detokenize only)
    bool lowercase = true;           // WordPiece normalizer
    bool strip_accents = true;       // WordPiece normalizer
    // llama.cpp's LSTRIP/RSTRIP attributes, which GGUF has no field for: set per model by name
    // (Phi-3's special tokens eat the spaces to their right). Empty, or one entry per token.
    enum StripFlags : uint8_t { StripLeft = 1, StripRight = 2 };
    std::vector<uint8_t> strip;

    static Vocab from_gguf(const GgufFile& file);  // throws chord::Error
    int size() const { return static_cast<int>(tokens.size()); }
};

// A byte range [begin, end) of a text given to Tokenizer::encode.
struct TextRange {
    size_t begin = 0;
    size_t end = 0;
    bool operator==(const TextRange&) const = default;
};

// How a text is tokenized. Control tokens written as text (<s>, <|im_end|>…) are recognised only where
// the text comes from a chat template: everywhere with parse_special, or only inside special_ranges
// (the template's own text in a prompt that also quotes messages, which are never parsed).
struct EncodeOptions {
    bool add_special = false;   // BOS (and EOS) as the vocabulary asks
    bool parse_special = false;
    std::span<const TextRange> special_ranges;  // used when !parse_special; a token must lie wholly inside one
    bool continues_text = false;  // SentencePiece: the text continues earlier text, so no leading-space prefix
};

class Tokenizer {
public:
    virtual ~Tokenizer() = default;
    static std::unique_ptr<Tokenizer> create(Vocab vocab);  // picks the algorithm from vocab.model
    static std::unique_ptr<Tokenizer> from_gguf(const GgufFile& file) { return create(Vocab::from_gguf(file)); }

    // add_special: BOS (and EOS) as the vocabulary asks. parse_special: recognise control tokens
    // (<s>, <|im_start|>…) written as text — only for template text, never for what a user typed.
    // User-defined tokens (a vocabulary's "added tokens", e.g. MPT's runs of spaces) are always
    // recognised, as llama.cpp and Hugging Face do; ids match llama.cpp's llama_tokenize.
    std::vector<TokenId> encode(std::string_view text, bool add_special, bool parse_special) const {
        EncodeOptions options;
        options.add_special = add_special;
        options.parse_special = parse_special;
        return encode(text, options);
    }
    virtual std::vector<TokenId> encode(std::string_view text, const EncodeOptions& options) const = 0;
    // The bytes of one token as llama.cpp's token_to_piece prints them (byte tokens → their byte,
    // ▁ → space, control tokens → "" unless render_special).
    virtual std::string piece(TokenId id, bool render_special = false) const = 0;
    std::string decode(const std::vector<TokenId>& ids, bool render_special = false) const;

    const Vocab& vocab() const { return vocab_; }
    bool is_eog(TokenId id) const;

protected:
    explicit Tokenizer(Vocab vocab) : vocab_(std::move(vocab)) {}
    Vocab vocab_;
};

// Turns a stream of tokens into text without ever emitting half a UTF-8 character:
// bytes of an unfinished character are held back until the character completes.
class StreamingDetokenizer {
public:
    explicit StreamingDetokenizer(const Tokenizer& tokenizer) : tokenizer_(&tokenizer) {}
    std::string push(TokenId id);  // the complete text that this token finishes (may be empty)
    std::string flush();           // whatever is held back, invalid bytes replaced by U+FFFD
    void reset() { pending_.clear(); }

private:
    const Tokenizer* tokenizer_;
    std::string pending_;
};

}  // namespace chord
