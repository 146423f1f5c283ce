#pragma once
// A real model with a chat template, for tests: no model small enough to keep here has one, so this
// writes a copy of a GGUF with tokenizer.chat_template set and some rarely used tokens turned into
// control tokens with new text (e.g. "<|im_start|>"), so the tensors keep their shapes. The weights are
// the original's, so the copy generates like the original for text without those tokens.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "chord/gguf.h"

namespace chord_test {

// ChatML as Hugging Face models ship it (Qwen2's template without the default system prompt).
inline const char* kChatmlTemplate =
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + "
    "'\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

inline void write_chat_model_copy(const std::string& source, const std::string& destination,
                                  const std::string& chat_template,
                                  const std::vector<std::pair<int, std::string>>& control_tokens) {
    using namespace chord;
    const auto file = GgufFile::open(source);
    GgufWriter out;
    out.set_alignment(static_cast<uint32_t>(file->alignment()));
    for (const auto& [key, value] : file->metadata()) {
        if (key == "general.alignment" || key == "tokenizer.chat_template") continue;
        GgufValue v = value;
        if (key == "tokenizer.ggml.tokens" || key == "tokenizer.ggml.token_type") {
            auto array = std::make_shared<GgufArray>(*value.as_array());
            for (const auto& [id, text] : control_tokens) {
                GgufValue& item = array->items.at(static_cast<size_t>(id));
                if (key == "tokenizer.ggml.tokens") item.value = text;
                else item.value = int64_t{3};  // llama_token_type CONTROL
            }
            v.value = array;
        }
        out.set(key, v);
    }
    out.set_string("tokenizer.chat_template", chat_template);
    for (const GgufTensor& t : file->tensors()) {
        std::vector<int64_t> ne(t.ne.begin(), t.ne.begin() + t.n_dims);
        out.add_tensor(t.name, t.type, ne, std::vector<uint8_t>(t.data, t.data + t.nbytes));
    }
    out.write(destination);
}

}  // namespace chord_test
