#include "chat/chat_formats.h"

#include <initializer_list>

namespace chord::chat {

namespace {

// Appends pieces in order (one call instead of chains of operator+, which also keeps g++ 12's
// -Wrestrict false positive away).
void add(std::string& out, std::initializer_list<std::string_view> pieces) {
    for (std::string_view p : pieces) out.append(p);
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string trim(const std::string& s) {
    size_t b = 0, e = s.size();
    while (b < e && is_space(s[b])) ++b;
    while (e > b && is_space(s[e - 1])) --e;
    return s.substr(b, e - b);
}

// A leading system message, split off for the formats that place it inside the first user turn.
std::span<const ChatMessage> split_system(std::span<const ChatMessage> messages, const ChatMessage*& system) {
    system = !messages.empty() && messages[0].role == "system" ? &messages[0] : nullptr;
    return system ? messages.subspan(1) : messages;
}

std::string chatml(std::span<const ChatMessage> messages, bool gen) {
    std::string out;
    for (const ChatMessage& m : messages) add(out, {"<|im_start|>", m.role, "\n", m.content, "<|im_end|>\n"});
    if (gen) out += "<|im_start|>assistant\n";
    return out;
}

std::string llama2(std::span<const ChatMessage> messages, const std::string& bos, const std::string& eos) {
    const ChatMessage* system = nullptr;
    const auto turns = split_system(messages, system);
    std::string out;
    for (size_t i = 0; i < turns.size(); ++i) {
        std::string content = turns[i].content;
        if (i == 0 && system) {
            std::string with_system;
            add(with_system, {"<<SYS>>\n", system->content, "\n<</SYS>>\n\n", content});
            content = std::move(with_system);
        }
        if (turns[i].role == "assistant") add(out, {" ", trim(content), " ", eos});
        else add(out, {bos, "[INST] ", trim(content), " [/INST]"});
    }
    return out;
}

std::string llama3(std::span<const ChatMessage> messages, bool gen, const std::string& bos) {
    std::string out;
    for (size_t i = 0; i < messages.size(); ++i) {
        if (i == 0) out += bos;
        add(out, {"<|start_header_id|>", messages[i].role, "<|end_header_id|>\n\n", trim(messages[i].content), "<|eot_id|>"});
    }
    if (gen) out += "<|start_header_id|>assistant<|end_header_id|>\n\n";
    return out;
}

std::string mistral(std::span<const ChatMessage> messages, const std::string& bos, const std::string& eos) {
    const ChatMessage* system = nullptr;
    const auto turns = split_system(messages, system);
    std::string out = bos;
    for (size_t i = 0; i < turns.size(); ++i) {
        const ChatMessage& m = turns[i];
        if (m.role == "assistant") {
            add(out, {" ", m.content, eos});
        } else if (i + 1 == turns.size() && system) {
            add(out, {"[INST] ", system->content, "\n\n", m.content, "[/INST]"});
        } else {
            add(out, {"[INST] ", m.content, "[/INST]"});
        }
    }
    return out;
}

std::string phi3(std::span<const ChatMessage> messages, bool gen, const std::string& eos) {
    std::string out;
    for (const ChatMessage& m : messages) {
        if (m.role == "system" && m.content.empty()) continue;
        add(out, {"<|", m.role, "|>\n", m.content, "<|end|>\n"});
    }
    out += gen ? "<|assistant|>\n" : eos;
    return out;
}

std::string gemma(std::span<const ChatMessage> messages, bool gen, const std::string& bos) {
    const ChatMessage* system = nullptr;
    const auto turns = split_system(messages, system);
    std::string out = bos;
    for (size_t i = 0; i < turns.size(); ++i) {
        const std::string role = turns[i].role == "assistant" ? "model" : turns[i].role;
        add(out, {"<start_of_turn>", role, "\n"});
        if (i == 0 && system) add(out, {system->content, "\n\n"});
        add(out, {trim(turns[i].content), "<end_of_turn>\n"});
    }
    if (gen) out += "<start_of_turn>model\n";
    return out;
}

std::string zephyr(std::span<const ChatMessage> messages, bool gen, const std::string& eos) {
    std::string out;
    for (const ChatMessage& m : messages) add(out, {"<|", m.role, "|>\n", m.content, eos, "\n"});
    if (gen && !messages.empty()) out += "<|assistant|>\n";
    return out;
}

std::string plain(std::span<const ChatMessage> messages) {
    std::string out;
    for (const ChatMessage& m : messages) out += m.content;
    return out;
}

}  // namespace

std::string render_builtin(ChatFormat format, std::span<const ChatMessage> messages, bool gen, const std::string& bos,
                           const std::string& eos) {
    switch (format) {
        case ChatFormat::ChatML: return chatml(messages, gen);
        case ChatFormat::Llama2: return llama2(messages, bos, eos);
        case ChatFormat::Llama3: return llama3(messages, gen, bos);
        case ChatFormat::Mistral: return mistral(messages, bos, eos);
        case ChatFormat::Phi3: return phi3(messages, gen, eos);
        case ChatFormat::Gemma: return gemma(messages, gen, bos);
        case ChatFormat::Zephyr: return zephyr(messages, gen, eos);
        case ChatFormat::Plain:
        case ChatFormat::Jinja: return plain(messages);
    }
    return plain(messages);
}

ChatFormat detect_format(std::string_view src) {
    auto has = [&](std::string_view s) { return src.find(s) != std::string_view::npos; };
    if (has("<|im_start|>")) return ChatFormat::ChatML;
    if (has("<|start_header_id|>")) return ChatFormat::Llama3;
    if (has("<start_of_turn>")) return ChatFormat::Gemma;
    if (has("<|user|>") && has("<|end|>")) return ChatFormat::Phi3;
    if (has("<|user|>")) return ChatFormat::Zephyr;
    if (has("[INST]") && has("<<SYS>>")) return ChatFormat::Llama2;
    if (has("[INST]")) return ChatFormat::Mistral;
    return ChatFormat::ChatML;
}

}  // namespace chord::chat
