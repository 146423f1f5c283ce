// chord-bench's command line: llama-bench's flags (-m -p -n -t -r -b -d, comma lists) plus Chord's own.
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <thread>

#include <spdlog/spdlog.h>

#include "arg_parser.h"
#include "bench.h"

namespace chord::bench {

namespace {

std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> items;
    std::stringstream in(s);
    std::string item;
    while (std::getline(in, item, ','))
        if (!item.empty()) items.push_back(item);
    return items;
}

std::vector<int> int_list(const std::string& opt, const std::string& v, int min) {
    std::vector<int> out;
    for (const std::string& item : split(v)) {
        size_t used = 0;
        int x = 0;
        try {
            x = std::stoi(item, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != item.size() || item.empty()) throw std::invalid_argument(opt + ": '" + item + "' is not a number");
        if (x < min) throw std::invalid_argument(opt + ": " + item + " is below " + std::to_string(min));
        out.push_back(x);
    }
    if (out.empty()) throw std::invalid_argument(opt + " needs at least one value");
    return out;
}

}  // namespace

void print_bench_usage() {
    std::puts(
        "usage: chord-bench -m MODEL.gguf[,MODEL2…] [options]   (llama-bench's flags; lists are comma-separated)\n"
        "  -m, --model FILES       GGUF models (repeat -m or use commas)\n"
        "  -p, --n-prompt N,…      prompt tokens per pp test, one pass from an empty cache (default 512; 0: none)\n"
        "  -n, --n-gen N,…         tokens per tg test, one at a time from an empty cache (default 128; 0: none)\n"
        "  -d, --n-depth N,…       tokens put in the cache (untimed) before each test (default 0)\n"
        "  -t, --threads N,…       threads (default: all hardware threads)\n"
        "  -r, --repetitions N     timed repetitions per test, after one warm-up (default 5)\n"
        "  -b, --batch-size N      prompt tokens per forward pass (default 512)\n"
        "  --attn flash|standard,… attention backend (default flash)\n"
        "  --kv-type f16|f32,…     KV cache type (default f16)\n"
        "  --simd auto|scalar|avx2|avx512|neon,…   kernel level (the model is reloaded for each)\n"
        "  --ctx N                 context size (default: depth + prompt + generation)\n"
        "  --seed S                seed of the random token ids fed to the model (default 42)\n"
        "  -o, --output table|json markdown table (default) or a JSON array, one object per test\n"
        "  --progress              progress lines on stderr\n"
        "  -v, --verbose           the engine's log on stderr\n"
        "peak_rss_bytes is the process's VmHWM since the model was loaded: chord-bench resets it (clear_refs)\n"
        "before each load, so it covers the model, its buffers and every test run on it so far.");
}

BenchOptions parse_bench_options(int argc, char** argv) {
    BenchOptions o;
    tools::ArgParser a(argc, argv);
    while (!a.done()) {
        const std::string arg = a.next();
        if (arg == "-h" || arg == "--help") { print_bench_usage(); std::exit(0); }
        else if (arg == "-m" || arg == "--model") for (const auto& m : split(a.value(arg))) o.models.push_back(m);
        else if (arg == "-p" || arg == "--n-prompt") o.n_prompt = int_list(arg, a.value(arg), 0);
        else if (arg == "-n" || arg == "--n-gen") o.n_gen = int_list(arg, a.value(arg), 0);
        else if (arg == "-d" || arg == "--n-depth") o.n_depth = int_list(arg, a.value(arg), 0);
        else if (arg == "-t" || arg == "--threads") o.threads = int_list(arg, a.value(arg), 1);
        else if (arg == "-r" || arg == "--repetitions") o.repetitions = int_list(arg, a.value(arg), 1).front();
        else if (arg == "-b" || arg == "--batch-size") o.n_batch = int_list(arg, a.value(arg), 1).front();
        else if (arg == "--ctx" || arg == "-c") o.n_ctx = int_list(arg, a.value(arg), 1).front();
        else if (arg == "--seed") o.seed = a.u64_value(arg);
        else if (arg == "--progress") o.progress = true;
        else if (arg == "-v" || arg == "--verbose") spdlog::set_level(spdlog::level::debug);
        else if (arg == "--attn") {
            o.attn.clear();
            for (const std::string& v : split(a.value(arg))) {
                if (v == "flash") o.attn.push_back(AttentionBackend::Flash);
                else if (v == "standard") o.attn.push_back(AttentionBackend::Standard);
                else throw std::invalid_argument("--attn: '" + v + "' is not flash or standard");
            }
        } else if (arg == "--kv-type") {
            o.kv_types.clear();
            for (const std::string& v : split(a.value(arg))) {
                if (v == "f16") o.kv_types.push_back(KvType::F16);
                else if (v == "f32") o.kv_types.push_back(KvType::F32);
                else throw std::invalid_argument("--kv-type: '" + v + "' is not f16 or f32");
            }
        } else if (arg == "--simd") {
            o.simd = split(a.value(arg));
        } else if (arg == "-o" || arg == "--output") {
            const std::string v = a.value(arg);
            if (v == "json") o.json = true;
            else if (v == "table" || v == "md") o.json = false;
            else throw std::invalid_argument("-o: '" + v + "' is not table or json");
        } else throw std::invalid_argument("unknown option " + arg + " (see --help)");
    }
    if (o.models.empty()) throw std::invalid_argument("no model given (-m MODEL.gguf)");
    if (o.attn.empty() || o.kv_types.empty() || o.simd.empty())
        throw std::invalid_argument("--attn, --kv-type and --simd need at least one value");
    if (o.threads.empty()) o.threads = {static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))};
    return o;
}

}  // namespace chord::bench
