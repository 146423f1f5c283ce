// chord-soak: memory steadiness over a long generation and over repeated loads (a benchmark of memory,
// never of time). One chat reply of --tokens tokens on a small context, so the KV cache is shifted again
// and again, sampling the process's resident set (VmRSS) as it goes; then --reloads loads and unloads of
// the model, each with a session that decodes a few tokens.
//   chord-soak -m MODEL [--tokens 10000] [--ctx 256] [--threads N] [--reloads 50] [--max-growth-mb 2]
// Growth is measured from the largest RSS seen in the first fifth of the run (the cache filled, every
// buffer allocated) to the largest after it; the exit status is 1 when either growth exceeds the bound.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "arg_parser.h"
#include "chord/chat.h"
#include "chord/error.h"
#include "chord/generator.h"
#include "chord/model.h"

namespace {

using namespace chord;

struct SoakOptions {
    std::string model;
    int tokens = 10000;
    int ctx = 256;
    int threads = 0;
    int reloads = 50;
    double max_growth_mb = 2.0;
};

SoakOptions parse(int argc, char** argv) {
    SoakOptions o;
    tools::ArgParser a(argc, argv);
    while (!a.done()) {
        const std::string arg = a.next();
        if (arg == "-m" || arg == "--model") o.model = a.value(arg);
        else if (arg == "--tokens") o.tokens = a.int_value(arg);
        else if (arg == "--ctx" || arg == "-c") o.ctx = a.int_value(arg);
        else if (arg == "--threads" || arg == "-t") o.threads = a.int_value(arg);
        else if (arg == "--reloads") o.reloads = a.int_value(arg);
        else if (arg == "--max-growth-mb") o.max_growth_mb = a.float_value(arg);
        else throw std::invalid_argument("unknown option " + arg);
    }
    if (o.model.empty()) throw std::invalid_argument("-m MODEL is required");
    return o;
}

double mb(uint64_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0); }

// Largest value in the first fifth of the samples, and the largest after it, in MiB.
struct Growth {
    double baseline = 0, later = 0;
    double growth() const { return later - baseline; }
};
// The largest sample of each fifth of the run, to show a trend (a leak climbs fifth after fifth).
std::string fifths(const std::vector<uint64_t>& rss) {
    std::string out;
    for (size_t f = 0; f < 5; ++f) {
        uint64_t top = 0;
        for (size_t i = f * rss.size() / 5; i < (f + 1) * rss.size() / 5; ++i) top = std::max(top, rss[i]);
        char cell[32];
        std::snprintf(cell, sizeof cell, "%s%.2f", f ? " " : "", mb(top));
        out += cell;
    }
    return out;
}

Growth growth_of(const std::vector<uint64_t>& rss) {
    Growth g;
    const size_t warm = std::max<size_t>(1, rss.size() / 5);
    for (size_t i = 0; i < rss.size(); ++i) {
        double& slot = i < warm ? g.baseline : g.later;
        slot = std::max(slot, mb(rss[i]));
    }
    if (rss.size() <= warm) g.later = g.baseline;
    return g;
}

Growth soak_generation(const SoakOptions& o) {
    const auto model = Model::load(o.model);
    SessionOptions so;
    so.n_ctx = o.ctx;
    so.n_threads = o.threads;
    Session session(model, so);
    ChatSession chat(session, ChatTemplate::for_model(*model));
    GenerationParams params;
    params.max_tokens = o.tokens;
    params.stop_at_eog = false;  // keep generating past end-of-text: the point is a long run
    std::vector<uint64_t> rss;   // one sample every 100 streamed pieces
    int pieces = 0;
    const ChatReply reply = chat.send("Once upon a time", params, [&](std::string_view, TokenId) {
        if (++pieces % 100 == 0) rss.push_back(process_rss_bytes());
        return true;
    });
    const Growth g = growth_of(rss);
    std::printf("generation: %d tokens, context %d, %d context shifts (%d tokens discarded), %zu RSS samples\n",
                reply.stats.generated_tokens, session.n_ctx(), reply.turn.shifts, reply.turn.discarded_tokens,
                rss.size());
    std::printf("generation: RSS first fifth max %.2f MiB, after it max %.2f MiB, final %.2f MiB, growth %.2f MiB\n",
                g.baseline, g.later, rss.empty() ? 0.0 : mb(rss.back()), g.growth());
    std::printf("generation: RSS max per fifth of the run (MiB): %s\n", fifths(rss).c_str());
    return g;
}

Growth soak_reloads(const SoakOptions& o) {
    std::vector<uint64_t> rss;
    for (int i = 0; i < o.reloads; ++i) {
        {
            const auto model = Model::load(o.model);
            SessionOptions so;
            so.n_ctx = o.ctx;
            so.n_threads = o.threads;
            Session session(model, so);
            const std::vector<TokenId> prompt = model->tokenizer().encode("Once upon a time", true, false);
            session.decode(prompt);
        }
        rss.push_back(process_rss_bytes());
    }
    const Growth g = growth_of(rss);
    std::printf("reloads: %d loads and unloads, RSS first fifth max %.2f MiB, after it max %.2f MiB, growth %.2f MiB\n",
                o.reloads, g.baseline, g.later, g.growth());
    std::printf("reloads: RSS max per fifth of the run (MiB): %s\n", fifths(rss).c_str());
    return g;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        spdlog::set_level(spdlog::level::warn);
        const SoakOptions o = parse(argc, argv);
        bool ok = true;
        if (o.tokens > 0) ok = soak_generation(o).growth() <= o.max_growth_mb && ok;
        if (o.reloads > 0) ok = soak_reloads(o).growth() <= o.max_growth_mb && ok;
        std::printf("bound %.2f MiB: %s\n", o.max_growth_mb, ok ? "steady" : "GROWING");
        return ok ? 0 : 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "chord-soak: %s\n", e.what());
        return 2;
    }
}
