#include <spdlog/spdlog.h>

#include "chat/chat_formats.h"
#include "chat/jinja_template.h"
#include "chat/template_error.h"
#include "chord/chat.h"
#include "chord/model.h"

namespace chord {

namespace {

struct FormatName {
    ChatFormat format;
    const char* name;
};
constexpr FormatName kFormatNames[] = {
    {ChatFormat::Jinja, "jinja"},     {ChatFormat::ChatML, "chatml"}, {ChatFormat::Llama2, "llama2"},
    {ChatFormat::Llama3, "llama3"},   {ChatFormat::Mistral, "mistral"}, {ChatFormat::Phi3, "phi3"},
    {ChatFormat::Gemma, "gemma"},     {ChatFormat::Zephyr, "zephyr"}, {ChatFormat::Plain, "plain"},
};

std::string token_text(const Vocab& v, TokenId id) {
    return id >= 0 && id < v.size() ? v.tokens[static_cast<size_t>(id)] : std::string();
}

}  // namespace

const char* chat_format_name(ChatFormat format) {
    for (const auto& f : kFormatNames)
        if (f.format == format) return f.name;
    return "unknown";
}

std::optional<ChatFormat> chat_format_from_name(std::string_view name) {
    for (const auto& f : kFormatNames)
        if (name == f.name) return f.format;
    return std::nullopt;
}

ChatTemplate ChatTemplate::for_model(const Model& model) {
    const Vocab& vocab = model.tokenizer().vocab();
    const std::string& source = model.info().chat_template;
    if (source.empty()) return builtin(ChatFormat::Plain, token_text(vocab, vocab.bos), token_text(vocab, vocab.eos));
    return from_jinja(source, token_text(vocab, vocab.bos), token_text(vocab, vocab.eos));
}

ChatTemplate ChatTemplate::from_jinja(const std::string& source, std::string bos_token, std::string eos_token) {
    ChatTemplate t;
    t.bos_ = std::move(bos_token);
    t.eos_ = std::move(eos_token);
    t.format_ = chat::detect_format(source);
    try {
        t.jinja_ = std::make_shared<const jinja::JinjaTemplate>(source);
    } catch (const jinja::TemplateError& e) {
        spdlog::warn("{}; using the built-in {} format instead", e.what(), chat_format_name(t.format_));
    }
    return t;
}

ChatTemplate ChatTemplate::builtin(ChatFormat format, std::string bos_token, std::string eos_token) {
    ChatTemplate t;
    t.format_ = format == ChatFormat::Jinja ? ChatFormat::ChatML : format;
    t.bos_ = std::move(bos_token);
    t.eos_ = std::move(eos_token);
    return t;
}

std::optional<std::string> ChatTemplate::try_render(std::span<const ChatMessage> messages, bool add_generation_prompt) const {
    if (!jinja_) return chat::render_builtin(format_, messages, add_generation_prompt, bos_, eos_);
    jinja::ValueList list;
    for (const ChatMessage& m : messages) {
        jinja::Dict d;
        d.set("role", jinja::Value(m.role));
        d.set("content", jinja::Value(m.content));
        list.emplace_back(std::move(d));
    }
    jinja::Dict vars;
    vars.set("messages", jinja::Value(std::move(list)));
    vars.set("add_generation_prompt", jinja::Value(add_generation_prompt));
    vars.set("bos_token", jinja::Value(bos_));
    vars.set("eos_token", jinja::Value(eos_));
    try {
        return jinja_->render(std::move(vars));
    } catch (const jinja::TemplateError& e) {
        spdlog::debug("{}", e.what());
        return std::nullopt;
    }
}

std::string ChatTemplate::render(std::span<const ChatMessage> messages, bool add_generation_prompt) const {
    if (std::optional<std::string> text = try_render(messages, add_generation_prompt)) return *text;
    spdlog::warn("the model's chat template cannot render this conversation; using the built-in {} format instead",
                 chat_format_name(format_));
    return chat::render_builtin(format_, messages, add_generation_prompt, bos_, eos_);
}

}  // namespace chord
