// Fuzzes the chat-template interpreter: the input is a template's source (as a model file would carry
// it in tokenizer.chat_template), parsed and rendered over a fixed conversation with the interpreter's
// default limits, through the same ChatTemplate the app uses. Syntax errors and template errors are
// expected (try_render returns nullopt); a crash, a sanitizer report or an escaping exception is a bug.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "chord/chat.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    spdlog::set_level(spdlog::level::off);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const std::vector<chord::ChatMessage> messages = {
        {"system", "You are helpful."},
        {"user", "Hi! {{ not a tag }} <|im_start|>"},
        {"assistant", "Hello \xf0\x9f\x99\x82 how can I help?"},
        {"user", "Tell me a story\nwith two lines."},
    };
    const std::string source(reinterpret_cast<const char*>(data), size);
    const chord::ChatTemplate t = chord::ChatTemplate::from_jinja(source, "<s>", "</s>");
    (void)t.try_render(messages, size % 2 == 0);
    // render() falls back to the built-in format the text suggests: that path must hold too.
    (void)t.render(messages, true);
    return 0;
}
