#pragma once
// `chord-cli --chat`: an interactive terminal chat on a ChatSession (the same engine API the app uses).
#include <string>

#include "chord/sampler.h"
#include "chord/session.h"

namespace chord::tools {

struct ChatModeOptions {
    std::string model;
    std::string system;           // --system TEXT
    std::string ctx_policy = "shift";  // --ctx-policy shift|truncate
    std::string format;           // --chat-format NAME: force a recognised format instead of the model's template
    int n_predict = 256;          // tokens per reply at most
    std::string simd = "auto";
    SessionOptions session;
    SamplerParams sampling;
};

// Reads user lines from stdin until EOF or /quit; /regen regenerates the last reply, /clear starts over.
// Ctrl-C stops the reply being written. Returns the process exit code.
int run_chat_mode(const ChatModeOptions& options);

}  // namespace chord::tools
