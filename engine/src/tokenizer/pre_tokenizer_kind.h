#pragma once
// Which pre-tokenizer a byte-level BPE vocabulary uses (tokenizer.ggml.pre), and the vocabulary
// settings llama.cpp ties to that name. The splitting rules themselves live in pre_tokenizer.cpp.
#include <optional>
#include <string_view>

namespace chord::tokenizer {

enum class PreTokenizerKind {
    Default,        // no or unknown-but-"default" name: GPT-2 rules plus digit/punctuation pre-splits
    Gpt2,           // gpt-2, phi-2, mpt, olmo, jais, trillion, granite-docling, jina-es/de, …
    Llama3,         // llama3/llama-bpe, falcon3, pixtral, dbrx, smaug-bpe, …
    DeepseekLlm,
    DeepseekCoder,
    Deepseek3,      // deepseek-v3, hunyuan-dense
    Falcon,
    Starcoder,      // starcoder, refact, command-r, smollm, codeshell, exaone, minerva-7b
    Qwen2,          // qwen2, stablelm2, megrez, deepseek-r1-qwen, hunyuan, solar-open
    Qwen35,
    Poro,           // poro-chat, bloom, gpt3-finnish
    ChatGlm4,
    Viking,
    Tekken,
    Chameleon,
    Gpt4o,          // gpt-4o, llama4, minimax-m2
    SeedCoder,
    Grok2,
    BailingMoe,
    Superbpe,
};

struct PreTokenizerSettings {
    PreTokenizerKind kind = PreTokenizerKind::Default;
    bool clean_spaces = true;    // llama.cpp: true for BPE unless the name turns it off
    bool ignore_merges = false;
    bool force_add_bos = false;  // llama.cpp sets add_bos for these before reading add_bos_token
    bool drop_bos = false;       // chatglm: no BOS id by default
};

// nullopt: a name llama.cpp does not know either (the caller reports it).
std::optional<PreTokenizerSettings> pre_tokenizer_settings(std::string_view name);

}  // namespace chord::tokenizer
