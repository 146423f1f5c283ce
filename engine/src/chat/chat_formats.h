#pragma once
// The recognised chat formats, written in C++: what a model gets when its Jinja template cannot be
// rendered, and what a user may pick by name. Each renders as the family's reference template does
// (chatml, llama2, llama3, mistral v0.3, phi3.5, gemma3, zephyr) for conversations those templates
// accept, and never raises: a message with an unexpected role is still written out.
#include <span>
#include <string>
#include <string_view>

#include "chord/chat.h"

namespace chord::chat {

std::string render_builtin(ChatFormat format, std::span<const ChatMessage> messages, bool add_generation_prompt,
                           const std::string& bos, const std::string& eos);

// Which recognised format a Jinja template's text looks like (its role markers); ChatML when unsure.
ChatFormat detect_format(std::string_view template_source);

}  // namespace chord::chat
