// chord-chatbench: time to first token of a chat's second turn, with the KV cache kept from the first
// turn (ChatSession) and without (a fresh session processing the same whole prompt).
//   chord-chatbench -m MODEL [--history N] [--reply N] [--ctx N] [--threads N] [--batch N] [--runs N]
//                   [--chat-format NAME] [--kv-type f16|f32]
// --history is the length of the first user message in tokens (roughly): turn 2's prompt grows with it,
// its new text does not.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "arg_parser.h"
#include "chord/chat.h"
#include "chord/error.h"
#include "chord/model.h"
#include "chord/sampler.h"

namespace {

using namespace chord;
using Clock = std::chrono::steady_clock;

struct BenchOptions {
    std::string model;
    std::string format;
    int history = 400;
    int reply = 32;
    int runs = 5;
    SessionOptions session;
};

BenchOptions parse(int argc, char** argv) {
    BenchOptions o;
    o.session.n_ctx = 2048;
    tools::ArgParser a(argc, argv);
    while (!a.done()) {
        const std::string arg = a.next();
        if (arg == "-m" || arg == "--model") o.model = a.value(arg);
        else if (arg == "--history") o.history = a.int_value(arg);
        else if (arg == "--reply") o.reply = a.int_value(arg);
        else if (arg == "--runs") o.runs = a.int_value(arg);
        else if (arg == "--ctx") o.session.n_ctx = a.int_value(arg);
        else if (arg == "--threads") o.session.n_threads = a.int_value(arg);
        else if (arg == "--batch") o.session.n_batch = a.int_value(arg);
        else if (arg == "--chat-format") o.format = a.value(arg);
        else if (arg == "--kv-type") o.session.kv_type = a.value(arg) == "f32" ? KvType::F32 : KvType::F16;
        else if (arg == "-h" || arg == "--help") {
            std::puts("usage: chord-chatbench -m MODEL [--history N] [--reply N] [--ctx N] [--threads N] [--batch N] "
                      "[--runs N] [--chat-format NAME] [--kv-type f16|f32]");
            std::exit(0);
        } else {
            throw std::invalid_argument("unknown option " + arg);
        }
    }
    if (o.model.empty()) throw std::invalid_argument("no model given (-m MODEL.gguf)");
    if (o.runs < 1 || o.history < 1 || o.reply < 1) throw std::invalid_argument("--runs, --history, --reply must be >= 1");
    return o;
}

ChatTemplate pick_template(const Model& model, const std::string& format) {
    if (format.empty()) return ChatTemplate::for_model(model);
    const auto f = chat_format_from_name(format);
    if (!f) throw std::invalid_argument("unknown --chat-format " + format);
    const Vocab& v = model.tokenizer().vocab();
    return ChatTemplate::builtin(*f, v.tokens[static_cast<size_t>(v.bos)], v.tokens[static_cast<size_t>(v.eos)]);
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    spdlog::set_level(spdlog::level::warn);
    try {
        const BenchOptions o = parse(argc, argv);
        const auto model = Model::load(o.model);
        std::string first_message;
        while (static_cast<int>(model->tokenizer().encode(first_message, false, false).size()) < o.history)
            first_message += " The little girl walked to the big park with her mom and her dog.";
        GenerationParams params;
        params.max_tokens = o.reply;
        params.sampling.temperature = 0.0f;
        GenerationParams one_token = params;
        one_token.max_tokens = 1;

        std::vector<double> with_reuse, without_reuse;
        int new_tokens = 0, whole_prompt = 0;
        for (int run = 0; run < o.runs; ++run) {
            // With reuse: turn 1, then turn 2 on the same ChatSession.
            Session session(model, o.session);
            ChatSession chat(session, pick_template(*model, o.format));
            chat.send(first_message, params);
            const ChatReply turn2 = chat.send("What happened next?", one_token);
            with_reuse.push_back(turn2.stats.time_to_first_token);
            new_tokens = turn2.stats.prompt_tokens;
            whole_prompt = turn2.turn.reused_tokens + turn2.stats.prompt_tokens;

            // Without: a fresh session processes the same whole prompt before its first token.
            const std::vector<TokenId> prompt(chat.cached_tokens().begin(), chat.cached_tokens().begin() + whole_prompt);
            Session fresh(model, o.session);
            Sampler sampler(params.sampling);
            const auto start = Clock::now();
            sampler.sample(fresh.decode(prompt));
            without_reuse.push_back(std::chrono::duration<double>(Clock::now() - start).count());
        }
        std::printf("model %s | turn-2 prompt %d tokens, %d new | median of %d runs, %d threads\n",
                    model->info().name.c_str(), whole_prompt, new_tokens, o.runs, Session(model, o.session).n_threads());
        std::printf("turn-2 time to first token: with KV reuse %.2f ms, without %.2f ms (%.1fx)\n",
                    median(with_reuse) * 1000.0, median(without_reuse) * 1000.0, median(without_reuse) / median(with_reuse));
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "chord-chatbench: %s\n", e.what());
        return 1;
    }
}
