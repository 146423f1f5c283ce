// Vocab::from_gguf: the tokenizer.ggml.* metadata, with llama.cpp's defaults per tokenizer model,
// its special-token ids, and the end-of-generation set it derives from token texts.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <unordered_map>

#include <spdlog/spdlog.h>

#include "chord/error.h"
#include "chord/gguf.h"
#include "chord/tokenizer.h"
#include "tokenizer/pre_tokenizer_kind.h"

namespace chord {

namespace {

std::string where(const GgufFile& file) { return file.path().empty() ? std::string("<memory>") : file.path(); }

[[noreturn]] void bad_file(const GgufFile& file, const std::string& what) {
    throw Error(ErrorKind::BadFile, where(file) + ": " + what);
}

const GgufArray* array_of(const GgufFile& file, std::string_view key) {
    const GgufValue* value = file.find(key);
    if (value == nullptr) return nullptr;
    const GgufArray* array = value->as_array();
    if (array == nullptr) bad_file(file, std::string(key) + " is not an array");
    return array;
}

std::vector<std::string> read_strings(const GgufFile& file, std::string_view key) {
    std::vector<std::string> out;
    const GgufArray* array = array_of(file, key);
    if (array == nullptr) return out;
    out.reserve(array->items.size());
    for (const GgufValue& item : array->items) {
        const std::string* s = item.as_string();
        if (s == nullptr) bad_file(file, std::string(key) + " holds a non-string element");
        out.push_back(*s);
    }
    return out;
}

// Scores may be stored as F32 or (rarely) I32, as llama.cpp accepts.
std::vector<float> read_scores(const GgufFile& file, size_t n_tokens) {
    std::vector<float> out(n_tokens, 0.0f);
    const GgufArray* array = array_of(file, "tokenizer.ggml.scores");
    if (array == nullptr) return out;
    if (array->items.size() < n_tokens) bad_file(file, "tokenizer.ggml.scores has fewer entries than tokens");
    for (size_t i = 0; i < n_tokens; ++i) {
        const std::optional<double> v = array->items[i].as_float();
        if (!v) bad_file(file, "tokenizer.ggml.scores holds a non-numeric element");
        out[i] = static_cast<float>(*v);
    }
    return out;
}

std::vector<TokenKind> read_kinds(const GgufFile& file, size_t n_tokens) {
    std::vector<TokenKind> out(n_tokens, TokenKind::Normal);
    const GgufArray* array = array_of(file, "tokenizer.ggml.token_type");
    if (array == nullptr) return out;
    if (array->items.size() < n_tokens) bad_file(file, "tokenizer.ggml.token_type has fewer entries than tokens");
    for (size_t i = 0; i < n_tokens; ++i) {
        const std::optional<int64_t> v = array->items[i].as_int();
        if (!v) bad_file(file, "tokenizer.ggml.token_type holds a non-integer element");
        out[i] = (*v >= 0 && *v <= 6) ? static_cast<TokenKind>(*v) : TokenKind::Undefined;
    }
    return out;
}

// A special-token id key: absent → keep the default; 0xFFFFFFFF (how converters write "none") → -1;
// other out-of-range values → keep the default, as llama.cpp does.
void read_token_id(const GgufFile& file, std::string_view key, int n_tokens, TokenId& id) {
    if (id >= n_tokens) {
        spdlog::warn("{}: default {} = {} is outside the vocabulary, disabling it", where(file), key, id);
        id = -1;
    }
    const std::optional<uint64_t> v = file.get_uint(key);
    if (!v) return;
    if (*v == std::numeric_limits<uint32_t>::max()) {
        id = -1;
    } else if (*v >= static_cast<uint64_t>(n_tokens)) {
        spdlog::warn("{}: {} = {} is outside the vocabulary, using {}", where(file), key, *v, id);
    } else {
        id = static_cast<TokenId>(*v);
    }
}

void read_flag(const GgufFile& file, std::string_view key, bool& flag) {
    if (const std::optional<bool> v = file.get_bool(key)) flag = *v;
}

// Defaults llama.cpp applies before reading the file's own keys.
void apply_model_defaults(const GgufFile& file, Vocab& v) {
    v.add_space_prefix = false;
    v.add_bos = false;
    v.add_eos = false;
    v.add_sep = false;
    v.escape_whitespaces = true;
    v.clean_spaces = false;
    if (v.model == "llama") {
        v.bos = 1; v.eos = 2; v.unk = 0;
        v.add_space_prefix = true;
        v.add_bos = true;
    } else if (v.model == "bert") {
        v.bos = 101; v.unk = 100; v.sep = 102; v.pad = 0; v.mask = 103;
        v.add_bos = true;
        v.add_sep = true;
        v.clean_spaces = true;
    } else if (v.model == "gpt2") {
        v.bos = 11; v.eos = 11;
        v.escape_whitespaces = false;
        const std::optional<tokenizer::PreTokenizerSettings> pre = tokenizer::pre_tokenizer_settings(v.pre);
        if (!pre) {
            throw Error(ErrorKind::Unsupported,
                        where(file) + ": unknown BPE pre-tokenizer '" + v.pre + "' (tokenizer.ggml.pre)");
        }
        if (v.pre.empty()) {
            spdlog::warn("{}: no tokenizer.ggml.pre, using the default pre-tokenizer; "
                         "text may be split differently from the model's training", where(file));
        }
        v.clean_spaces = pre->clean_spaces;
        v.ignore_merges = pre->ignore_merges;
        if (pre->force_add_bos) v.add_bos = true;
        if (pre->drop_bos) v.bos = -1;
    } else if (v.model.empty()) {
        bad_file(file, "no tokenizer.ggml.model (the file has no vocabulary)");
    } else {
        throw Error(ErrorKind::Unsupported,
                    where(file) + ": tokenizer model '" + v.model + "' is not supported (llama, gpt2 and bert are)");
    }
}

bool is_any_of(const std::string& text, std::initializer_list<std::string_view> names) {
    return std::find(names.begin(), names.end(), text) != names.end();
}

// Tokens that look like control tokens are made control tokens (llama.cpp does the same and warns).
void make_control(Vocab& v, TokenId id) {
    if (v.kinds[id] != TokenKind::Control) {
        spdlog::debug("control-looking token {} '{}' was not control-type; treating it as control", id, v.tokens[id]);
        v.kinds[id] = TokenKind::Control;
    }
}

// For an id the file left unset: the token with the earliest of names (the list is in order of
// preference, so Llama 3's end of turn is <|eot_id|> rather than <|end_of_text|>). llama.cpp picks
// whichever its hash map yields first; the preference order gives the ids its logs usually show.
void detect_by_text(Vocab& v, TokenId& id, std::initializer_list<std::string_view> names) {
    if (id != -1) return;
    for (std::string_view name : names) {
        const auto it = std::find(v.tokens.begin(), v.tokens.end(), name);
        if (it != v.tokens.end()) {
            id = static_cast<TokenId>(it - v.tokens.begin());
            make_control(v, id);
            return;
        }
    }
}

void detect_special_tokens(Vocab& v) {
    detect_by_text(v, v.eot, {"<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>",
                              "<|end_of_text|>", "<EOT>", "_<EOT>", "[EOT]", "<｜end▁of▁sentence｜>",
                              "<end_of_utterance>"});
    detect_by_text(v, v.eom, {"<|eom_id|>"});
    detect_by_text(v, v.fim_pre, {"<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>", "<PRE>",
                                  "▁<PRE>", "<|code_prefix|>", "<|prefix|>"});
    detect_by_text(v, v.fim_suf, {"<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>", "<SUF>",
                                  "▁<SUF>", "<|code_suffix|>", "<|suffix|>"});
    detect_by_text(v, v.fim_mid, {"<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>", "<MID>",
                                  "▁<MID>", "<|code_middle|>", "<|middle|>"});
    detect_by_text(v, v.fim_pad, {"<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]"});
    detect_by_text(v, v.fim_rep, {"<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>"});
    detect_by_text(v, v.fim_sep, {"<|file_sep|>"});
}

// llama.cpp's end-of-generation set: FIM pad/repo/file-separator, tokens with known end texts, and
// eos/eot/eom, minus two model-family exceptions.
void build_eog(Vocab& v) {
    std::vector<TokenId> eog;
    for (TokenId id : {v.fim_pad, v.fim_rep, v.fim_sep}) {
        if (id >= 0) eog.push_back(id);
    }
    for (TokenId i = 0; i < v.size(); ++i) {
        if (is_any_of(v.tokens[i], {"<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>",
                                    "<|calls|>", "<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>",
                                    "_<EOT>", "[EOT]", "[EOS]", "<|end_of_text|>", "<end_of_utterance>", "<eos>",
                                    "<turn|>", "<|tool_response>", "<｜end▁of▁sentence｜>", "[e~["})) {
            eog.push_back(i);
            make_control(v, i);
        }
    }
    // gpt-oss: these structure tokens are always rendered.
    for (TokenId i = 0; i < v.size(); ++i) {
        if (is_any_of(v.tokens[i], {"<|channel|>", "<|message|>", "<|start|>", "<|constrain|>"})) {
            v.kinds[i] = TokenKind::UserDefined;
        }
    }
    for (TokenId id : {v.eos, v.eot, v.eom}) {
        if (id >= 0) eog.push_back(id);
    }
    std::sort(eog.begin(), eog.end());
    eog.erase(std::unique(eog.begin(), eog.end()), eog.end());

    auto find_text = [&](std::string_view text) -> TokenId {
        for (TokenId id : eog) {
            if (v.tokens[id] == text) return id;
        }
        return -1;
    };
    // o200k_harmony / solar-open: <|end|> ends a message, not the generation.
    const bool has_call = find_text("<|call|>") >= 0 || find_text("<|calls|>") >= 0;
    const TokenId end = find_text("<|end|>");
    if (end >= 0 && has_call && (find_text("<|return|>") >= 0 || find_text("<|flush|>") >= 0)) {
        eog.erase(std::find(eog.begin(), eog.end(), end));
        v.kinds[end] = TokenKind::UserDefined;
    }
    // gemma4 / paddleocr: </s> is not an end-of-generation token there.
    const TokenId s_end = find_text("</s>");
    if (s_end >= 0 && find_text("<|tool_response>") >= 0) {
        eog.erase(std::find(eog.begin(), eog.end(), s_end));
        v.kinds[s_end] = TokenKind::Normal;
    }
    v.eog = std::move(eog);
}

// Per-model strip attributes llama.cpp sets by name (GGUF has no field for them).
void apply_strip_attributes(const GgufFile& file, Vocab& v) {
    std::string name = file.get_string("general.name").value_or("");
    std::transform(name.begin(), name.end(), name.begin(), [](char c) {
        return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    });
    const std::string arch = file.get_string("general.architecture").value_or("");
    auto contains = [](const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; };
    auto set = [&](std::string_view text, uint8_t flag, bool on) {
        for (TokenId i = 0; i < v.size(); ++i) {
            if (v.tokens[i] != text) continue;
            if (v.strip.empty()) v.strip.assign(v.tokens.size(), 0);
            v.strip[i] = on ? static_cast<uint8_t>(v.strip[i] | flag) : static_cast<uint8_t>(v.strip[i] & ~flag);
            return;
        }
    };
    if (contains(v.pre, "jina-v2-de") || contains(v.pre, "jina-v2-es") || contains(v.pre, "jina-v2-code") ||
        contains(arch, "nomic-bert-moe") || contains(arch, "jina-bert-v3")) {
        set("<mask>", Vocab::StripLeft, true);
    } else if (contains(name, "phi-3") || contains(name, "phi3")) {
        v.strip.assign(v.tokens.size(), 0);
        for (TokenId i = 0; i < v.size(); ++i) {
            const TokenKind k = v.kinds[i];
            if (k == TokenKind::Control || k == TokenKind::UserDefined || k == TokenKind::Unknown) {
                v.strip[i] |= Vocab::StripRight;
            }
        }
        set("</s>", Vocab::StripRight, true);
        for (std::string_view t : {"<unk>", "<s>", "<|endoftext|>"}) set(t, Vocab::StripRight, false);
    } else if (contains(name, "modern-bert")) {
        set("[MASK]", Vocab::StripLeft, true);
    }
}

}  // namespace

Vocab Vocab::from_gguf(const GgufFile& file) {
    Vocab v;
    v.model = file.get_string("tokenizer.ggml.model").value_or("");
    v.pre = file.get_string("tokenizer.ggml.pre").value_or("");
    apply_model_defaults(file, v);
    read_flag(file, "tokenizer.ggml.add_space_prefix", v.add_space_prefix);

    v.tokens = read_strings(file, "tokenizer.ggml.tokens");
    if (v.tokens.empty()) bad_file(file, "no tokenizer.ggml.tokens (the file has no vocabulary)");
    if (v.tokens.size() > static_cast<size_t>(std::numeric_limits<TokenId>::max())) {
        bad_file(file, "the vocabulary has more tokens than Chord can index");
    }
    for (size_t i = 0; i < v.tokens.size(); ++i) {
        if (v.tokens[i].empty()) v.tokens[i] = "[EMPTY_" + std::to_string(i) + "]";  // as llama.cpp does
    }
    v.scores = read_scores(file, v.tokens.size());
    v.kinds = read_kinds(file, v.tokens.size());
    if (v.model == "gpt2") {
        v.merges = read_strings(file, "tokenizer.ggml.merges");
        if (file.find("tokenizer.ggml.merges") == nullptr) bad_file(file, "a BPE vocabulary without tokenizer.ggml.merges");
    }

    const int n = v.size();
    read_token_id(file, "tokenizer.ggml.bos_token_id", n, v.bos);
    read_token_id(file, "tokenizer.ggml.eos_token_id", n, v.eos);
    read_token_id(file, "tokenizer.ggml.eot_token_id", n, v.eot);
    read_token_id(file, "tokenizer.ggml.eom_token_id", n, v.eom);
    read_token_id(file, "tokenizer.ggml.unknown_token_id", n, v.unk);
    read_token_id(file, "tokenizer.ggml.seperator_token_id", n, v.sep);
    read_token_id(file, "tokenizer.ggml.padding_token_id", n, v.pad);
    read_token_id(file, "tokenizer.ggml.mask_token_id", n, v.mask);
    read_token_id(file, "tokenizer.ggml.fim_pre_token_id", n, v.fim_pre);
    read_token_id(file, "tokenizer.ggml.fim_suf_token_id", n, v.fim_suf);
    read_token_id(file, "tokenizer.ggml.fim_mid_token_id", n, v.fim_mid);
    read_token_id(file, "tokenizer.ggml.fim_pad_token_id", n, v.fim_pad);
    read_token_id(file, "tokenizer.ggml.fim_rep_token_id", n, v.fim_rep);
    read_token_id(file, "tokenizer.ggml.fim_sep_token_id", n, v.fim_sep);
    read_token_id(file, "tokenizer.ggml.prefix_token_id", n, v.fim_pre);  // deprecated names
    read_token_id(file, "tokenizer.ggml.suffix_token_id", n, v.fim_suf);
    read_token_id(file, "tokenizer.ggml.middle_token_id", n, v.fim_mid);

    read_flag(file, "tokenizer.ggml.add_bos_token", v.add_bos);
    read_flag(file, "tokenizer.ggml.add_eos_token", v.add_eos);
    read_flag(file, "tokenizer.ggml.add_sep_token", v.add_sep);
    if (v.add_bos && v.bos < 0) bad_file(file, "tokenizer.ggml.add_bos_token is true but there is no BOS token id");
    if (v.add_eos && v.eos < 0) bad_file(file, "tokenizer.ggml.add_eos_token is true but there is no EOS token id");
    if (v.add_sep && v.sep < 0) bad_file(file, "tokenizer.ggml.add_sep_token is true but there is no separator token id");

    read_flag(file, "tokenizer.ggml.normalizer.lowercase", v.lowercase);
    v.strip_accents = v.lowercase;
    read_flag(file, "tokenizer.ggml.normalizer.strip_accents", v.strip_accents);

    detect_special_tokens(v);
    build_eog(v);
    apply_strip_attributes(file, v);

    // The newline token: SPM's <0x0A> byte token; for the others, what "\n" encodes to (set by the
    // tokenizer, which can encode).
    if (v.model == "llama") {
        for (std::string_view text : {std::string_view("<0x0A>"), std::string_view("\n")}) {
            const auto it = std::find(v.tokens.begin(), v.tokens.end(), text);
            if (it != v.tokens.end()) {
                v.nl = static_cast<TokenId>(it - v.tokens.begin());
                break;
            }
        }
        if (v.nl < 0) v.nl = v.pad;
    } else if (v.model == "bert") {
        v.nl = v.pad;
    }
    return v;
}

}  // namespace chord
