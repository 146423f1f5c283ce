#include "tokenizer/pre_tokenizer_kind.h"

#include <initializer_list>

namespace chord::tokenizer {

namespace {

struct NamedSettings {
    std::initializer_list<std::string_view> names;
    PreTokenizerSettings settings;
};

using K = PreTokenizerKind;

// Mirrors the name → (type, flags) table in llama.cpp's llama_vocab::impl::load.
const NamedSettings kTable[] = {
    {{"default"}, {K::Default, true, false, false, false}},
    {{"llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2", "jina-v5-nano"},
     {K::Llama3, true, true, true, false}},
    {{"dbrx", "smaug-bpe"}, {K::Llama3, true, false, false, false}},
    {{"deepseek-llm"}, {K::DeepseekLlm, false, false, false, false}},
    {{"deepseek-coder"}, {K::DeepseekCoder, false, false, false, false}},
    {{"deepseek-v3", "hunyuan-dense", "joyai-llm", "hy_v4"}, {K::Deepseek3, false, false, false, false}},
    {{"falcon"}, {K::Falcon, true, false, false, false}},
    {{"mpt", "olmo", "jais", "exaone4"}, {K::Gpt2, true, false, false, false}},
    {{"gpt-2", "phi-2", "jina-es", "jina-de", "gigachat", "jina-v2-es", "jina-v2-de", "a.x-4.0", "mellum",
      "modern-bert", "jina-v1-en", "jina-v2-code", "roberta-bpe"},
     {K::Gpt2, true, false, false, false}},
    {{"trillion", "granite-docling"}, {K::Gpt2, false, false, false, false}},
    {{"starcoder", "refact", "codeshell", "exaone", "minerva-7b", "mellum2"},
     {K::Starcoder, true, false, false, false}},
    {{"command-r", "smollm"}, {K::Starcoder, false, false, false, false}},
    {{"qwen2", "deepseek-r1-qwen", "kormo", "f2llmv2", "hunyuan", "solar-open"},
     {K::Qwen2, false, false, false, false}},
    {{"stablelm2", "megrez"}, {K::Qwen2, true, false, false, false}},
    {{"qwen35"}, {K::Qwen35, false, false, false, false}},
    {{"poro-chat"}, {K::Poro, false, false, false, false}},
    {{"bloom", "gpt3-finnish"}, {K::Poro, true, false, false, false}},
    {{"glm4", "chatglm-bpe"}, {K::ChatGlm4, true, false, false, true}},
    {{"viking"}, {K::Viking, false, false, false, false}},
    {{"tekken"}, {K::Tekken, false, true, true, false}},
    {{"chameleon"}, {K::Chameleon, false, false, true, false}},
    {{"gpt-4o", "llama4", "kanana2", "talkie", "minimax-m2"}, {K::Gpt4o, false, false, false, false}},
    {{"seed-coder"}, {K::SeedCoder, false, false, false, false}},
    {{"grok-2"}, {K::Grok2, false, false, false, false}},
    {{"bailingmoe", "bailingmoe2", "llada-moe"}, {K::BailingMoe, false, false, false, false}},
    {{"superbpe"}, {K::Superbpe, false, false, false, false}},
};

}  // namespace

std::optional<PreTokenizerSettings> pre_tokenizer_settings(std::string_view name) {
    if (name.empty()) return PreTokenizerSettings{};  // llama.cpp warns and uses "default"
    for (const NamedSettings& entry : kTable) {
        for (std::string_view n : entry.names) {
            if (n == name) return entry.settings;
        }
    }
    return std::nullopt;
}

}  // namespace chord::tokenizer
