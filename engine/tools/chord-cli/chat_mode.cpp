#include "chat_mode.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <string>

#include "chord/chat.h"
#include "chord/error.h"
#include "chord/generator.h"
#include "chord/model.h"

namespace chord::tools {

namespace {

std::atomic<bool> g_stop_reply{false};

ChatTemplate pick_template(const Model& model, const std::string& format) {
    if (format.empty()) return ChatTemplate::for_model(model);
    const auto f = chat_format_from_name(format);
    if (!f || *f == ChatFormat::Jinja) throw std::invalid_argument("--chat-format: unknown format '" + format + "'");
    const Vocab& v = model.tokenizer().vocab();
    auto text = [&](TokenId id) { return id >= 0 && id < v.size() ? v.tokens[static_cast<size_t>(id)] : std::string(); };
    return ChatTemplate::builtin(*f, text(v.bos), text(v.eos));
}

void print_turn_stats(const ChatReply& r, const Session& s) {
    const GenerationStats& st = r.stats;
    const std::string shifts = r.turn.shifts ? ", " + std::to_string(r.turn.shifts) + " shift(s), " +
                                                   std::to_string(r.turn.discarded_tokens) + " tokens dropped"
                                             : std::string();
    std::fprintf(stderr,
                 "[prompt %d new + %d reused tok, %.1f tok/s | reply %d tok, %.1f tok/s | first token %.0f ms | %s | "
                 "context %d/%d%s]\n",
                 st.prompt_tokens, r.turn.reused_tokens, st.prompt_tokens_per_second(), st.generated_tokens,
                 st.generation_tokens_per_second(), st.time_to_first_token * 1000.0, stop_reason_name(st.stop_reason),
                 s.n_past(), s.n_ctx(), shifts.c_str());
}

}  // namespace

int run_chat_mode(const ChatModeOptions& o) {
    select_simd_level(o.simd);
    auto model = Model::load(o.model);
    Session session(model, o.session);
    ChatOptions chat_options;
    if (o.ctx_policy == "truncate") chat_options.policy = ContextPolicy::Truncate;
    else if (o.ctx_policy != "shift") throw std::invalid_argument("--ctx-policy must be shift or truncate");
    ChatSession chat(session, pick_template(*model, o.format), chat_options);
    chat.set_system_prompt(o.system);
    std::fprintf(stderr, "chord-cli chat: %s, %s format, context %d (%s). /regen, /clear, /quit; Ctrl-C stops a reply.\n",
                 model->info().name.c_str(), chat_format_name(chat.chat_template().format()), session.n_ctx(),
                 o.ctx_policy.c_str());
    std::signal(SIGINT, [](int) { g_stop_reply = true; });

    GenerationParams params;
    params.max_tokens = o.n_predict;
    params.sampling = o.sampling;
    const TokenCallback print = [](std::string_view text, TokenId) {
        std::fwrite(text.data(), 1, text.size(), stdout);
        std::fflush(stdout);
        return true;
    };
    std::string line;
    while (true) {
        std::fputs("> ", stderr);
        if (!std::getline(std::cin, line) || line == "/quit") break;
        if (line.empty()) continue;
        if (line == "/clear") {
            chat.clear();
            continue;
        }
        g_stop_reply = false;
        try {
            const ChatReply r = line == "/regen" ? chat.regenerate(params, print, &g_stop_reply)
                                                 : chat.send(line, params, print, &g_stop_reply);
            std::fputc('\n', stdout);
            std::fflush(stdout);
            print_turn_stats(r, session);
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::ContextOverflow) throw;
            std::fprintf(stderr, "chord-cli: %s\n", e.what());
        }
    }
    return 0;
}

}  // namespace chord::tools
