// chord-cli: generate text from a GGUF model in the terminal, or tokenize a file with a model's vocabulary.
//   chord-cli -m MODEL -p PROMPT -n N [--temp T --top-k K --top-p P --min-p M --repeat-penalty R --seed S]
//             [--attn flash|standard --kv-type f32|f16 --ctx N --threads N --batch N --simd LEVEL]
//             [--json [--top-logits K] [--force-tokens ID,ID,…]]
//   chord-cli -m VOCAB.gguf --tokenize FILE
//   chord-cli -m MODEL --chat [--system TEXT --ctx-policy shift|truncate --chat-format NAME]   (chord-cli/chat_mode.cpp)
#include <atomic>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "arg_parser.h"
#include "chord-cli/chat_mode.h"
#include "chord/error.h"
#include "chord/generator.h"
#include "chord/gguf.h"
#include "chord/model.h"
#include "chord/session.h"
#include "json_writer.h"

namespace {

struct CliOptions {
    std::string model;
    std::string prompt;
    std::string tokenize_file;
    int n_predict = 128;
    bool json = false;
    int top_logits = 0;
    std::vector<chord::TokenId> forced;
    std::string simd = "auto";
    chord::SessionOptions session;
    chord::SamplerParams sampling;
    bool chat = false;
    chord::tools::ChatModeOptions chat_mode;
};

void print_usage() {
    std::puts(
        "usage: chord-cli -m MODEL.gguf -p PROMPT [-n N] [options]\n"
        "       chord-cli -m VOCAB.gguf --tokenize FILE\n"
        "  -m, --model FILE        GGUF model\n"
        "  -p, --prompt TEXT       prompt (-f FILE reads it from a file)\n"
        "  -n, --n-predict N       tokens to generate (default 128)\n"
        "  --temp T --top-k K --top-p P --min-p M --repeat-penalty R --seed S   sampling (--temp 0: greedy)\n"
        "  --attn flash|standard   attention backend (default flash)\n"
        "  --kv-type f16|f32       KV cache type (default f16)\n"
        "  --ctx N --threads N --batch N   context size, threads, prompt batch\n"
        "  --simd auto|scalar|avx2|avx512|neon   kernel level (lower than the CPU's only)\n"
        "  --json                  print one JSON object instead of streaming text\n"
        "  --top-logits K          with --json: each step's top-K (token, logit) pairs\n"
        "  --force-tokens A,B,...  follow these tokens instead of sampling (teacher forcing)\n"
        "  --tokenize FILE         print FILE's token ids (no BOS, specials not parsed)\n"
        "  --chat                  interactive chat (--system TEXT, --ctx-policy shift|truncate, --chat-format NAME)\n"
        "  -v, --verbose           log to stderr");
}

std::vector<chord::TokenId> parse_ids(const std::string& s) {
    std::vector<chord::TokenId> ids;
    std::stringstream in(s);
    std::string item;
    while (std::getline(in, item, ',')) {
        if (item.empty()) continue;
        try {
            ids.push_back(static_cast<chord::TokenId>(std::stol(item)));
        } catch (const std::exception&) {
            throw std::invalid_argument("--force-tokens: '" + item + "' is not a token id");
        }
    }
    return ids;
}

std::string read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw chord::Error(chord::ErrorKind::NotFound, path + ": cannot read");
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

CliOptions parse(int argc, char** argv) {
    CliOptions o;
    chord::tools::ArgParser a(argc, argv);
    bool have_prompt = false;
    while (!a.done()) {
        const std::string arg = a.next();
        if (arg == "-h" || arg == "--help") { print_usage(); std::exit(0); }
        else if (arg == "-m" || arg == "--model") o.model = a.value(arg);
        else if (arg == "-p" || arg == "--prompt") { o.prompt = a.value(arg); have_prompt = true; }
        else if (arg == "-f" || arg == "--file") { o.prompt = read_file(a.value(arg)); have_prompt = true; }
        else if (arg == "-n" || arg == "--n-predict") o.n_predict = a.int_value(arg);
        else if (arg == "--temp") o.sampling.temperature = a.float_value(arg);
        else if (arg == "--top-k") o.sampling.top_k = a.int_value(arg);
        else if (arg == "--top-p") o.sampling.top_p = a.float_value(arg);
        else if (arg == "--min-p") o.sampling.min_p = a.float_value(arg);
        else if (arg == "--repeat-penalty") o.sampling.repeat_penalty = a.float_value(arg);
        else if (arg == "--seed") o.sampling.seed = a.u64_value(arg);
        else if (arg == "--attn") {
            const std::string v = a.value(arg);
            if (v == "flash") o.session.attention = chord::AttentionBackend::Flash;
            else if (v == "standard") o.session.attention = chord::AttentionBackend::Standard;
            else throw std::invalid_argument("--attn must be flash or standard");
        } else if (arg == "--kv-type") {
            const std::string v = a.value(arg);
            if (v == "f16") o.session.kv_type = chord::KvType::F16;
            else if (v == "f32") o.session.kv_type = chord::KvType::F32;
            else throw std::invalid_argument("--kv-type must be f16 or f32");
        } else if (arg == "--ctx" || arg == "-c") o.session.n_ctx = a.int_value(arg);
        else if (arg == "--threads" || arg == "-t") o.session.n_threads = a.int_value(arg);
        else if (arg == "--batch" || arg == "-b") o.session.n_batch = a.int_value(arg);
        else if (arg == "--simd") o.simd = a.value(arg);
        else if (arg == "--json") o.json = true;
        else if (arg == "--top-logits") o.top_logits = a.int_value(arg);
        else if (arg == "--force-tokens") o.forced = parse_ids(a.value(arg));
        else if (arg == "--tokenize") o.tokenize_file = a.value(arg);
        else if (arg == "--chat") o.chat = true;
        else if (arg == "--system") o.chat_mode.system = a.value(arg);
        else if (arg == "--ctx-policy") o.chat_mode.ctx_policy = a.value(arg);
        else if (arg == "--chat-format") o.chat_mode.format = a.value(arg);
        else if (arg == "-v" || arg == "--verbose") spdlog::set_level(spdlog::level::debug);
        else throw std::invalid_argument("unknown option " + arg + " (see --help)");
    }
    if (o.model.empty()) throw std::invalid_argument("no model given (-m MODEL.gguf)");
    if (o.tokenize_file.empty() && !have_prompt && !o.chat) throw std::invalid_argument("no prompt given (-p TEXT)");
    if (o.n_predict < 0) throw std::invalid_argument("-n must be >= 0");
    if (!o.forced.empty() && o.n_predict > static_cast<int>(o.forced.size())) o.n_predict = static_cast<int>(o.forced.size());
    return o;
}

std::string join_ids(const std::vector<chord::TokenId>& ids, char sep) {
    std::string out;
    for (size_t i = 0; i < ids.size(); ++i) {
        if (i) out += sep;
        out += std::to_string(ids[i]);
    }
    return out;
}

int tokenize(const CliOptions& o) {
    const auto file = chord::GgufFile::open(o.model);
    const auto tokenizer = chord::Tokenizer::from_gguf(*file);
    const std::string text = read_file(o.tokenize_file);
    const auto ids = tokenizer->encode(text, false, false);
    std::puts(join_ids(ids, ' ').c_str());
    return 0;
}

std::atomic<bool> g_interrupted{false};


void print_json(const std::vector<chord::TokenId>& prompt, const chord::GenerationResult& r, const chord::Session& s) {
    std::string out = "{\"prompt_tokens\":[" + join_ids(prompt, ',') + "],\"generated_tokens\":[" +
                      join_ids(r.tokens, ',') + "],\"text\":" + chord::tools::json_string(r.text);
    if (!r.top_logits.empty()) {
        out += ",\"top_logits\":[";
        for (size_t i = 0; i < r.top_logits.size(); ++i) {
            out += i ? ",[" : "[";
            for (size_t j = 0; j < r.top_logits[i].size(); ++j)
                out += fmt::format("{}[{},{:.9g}]", j ? "," : "", r.top_logits[i][j].first, r.top_logits[i][j].second);
            out += "]";
        }
        out += "]";
    }
    const chord::MemoryReport m = s.memory();
    const chord::GenerationStats& st = r.stats;
    out += fmt::format(
        ",\"stats\":{{\"prompt_tokens\":{},\"generated_tokens\":{},\"prompt_tokens_per_second\":{:.3f},"
        "\"generation_tokens_per_second\":{:.3f},\"time_to_first_token_s\":{:.6f},\"stop_reason\":\"{}\","
        "\"attention\":\"{}\",\"kv_type\":\"{}\",\"simd\":{},\"threads\":{},\"model_mapped_bytes\":{},"
        "\"kv_cache_bytes\":{},\"scratch_bytes\":{},\"attention_scratch_bytes\":{},\"peak_rss_bytes\":{}}}}}",
        st.prompt_tokens, st.generated_tokens, st.prompt_tokens_per_second(), st.generation_tokens_per_second(),
        st.time_to_first_token, chord::stop_reason_name(st.stop_reason), chord::attention_backend_name(s.attention()),
        chord::kv_type_name(s.kv_type()), chord::tools::json_string(chord::cpu_backend_name()), s.n_threads(),
        m.model_mapped_bytes, m.kv_cache_bytes, m.scratch_bytes, m.attention_scratch_bytes,
        chord::process_peak_rss_bytes());
    std::puts(out.c_str());
}

int generate(const CliOptions& o) {
    chord::select_simd_level(o.simd);
    auto model = chord::Model::load(o.model);
    chord::Session session(model, o.session);
    const auto prompt = model->tokenizer().encode(o.prompt, true, false);
    if (prompt.empty()) throw std::invalid_argument("the prompt is empty");

    chord::GenerationParams params;
    params.max_tokens = o.n_predict;
    params.sampling = o.sampling;
    params.forced_tokens = o.forced;
    params.top_logits = o.top_logits;
    std::signal(SIGINT, [](int) { g_interrupted = true; });

    chord::GenerationResult r;
    if (o.json) {
        r = chord::Generator(session).generate(prompt, params, {}, &g_interrupted);
        print_json(prompt, r, session);
        return 0;
    }
    std::fputs(o.prompt.c_str(), stdout);
    std::fflush(stdout);
    r = chord::Generator(session).generate(prompt, params, [](std::string_view text, chord::TokenId) {
        std::fwrite(text.data(), 1, text.size(), stdout);
        std::fflush(stdout);
        return true;
    }, &g_interrupted);
    const chord::MemoryReport m = session.memory();
    const chord::GenerationStats& st = r.stats;
    std::fprintf(stderr,
                 "\n[prompt %d tok, %.1f tok/s | generation %d tok, %.1f tok/s | first token %.0f ms | %s, %s attention, "
                 "KV %s | model %.1f MiB, KV cache %.1f MiB, attention scratch %.1f KiB, peak RSS %.1f MiB]\n",
                 st.prompt_tokens, st.prompt_tokens_per_second(), st.generated_tokens, st.generation_tokens_per_second(),
                 st.time_to_first_token * 1000.0, chord::cpu_backend_name().c_str(),
                 chord::attention_backend_name(session.attention()), chord::kv_type_name(session.kv_type()),
                 static_cast<double>(m.model_mapped_bytes) / 1048576.0, static_cast<double>(m.kv_cache_bytes) / 1048576.0,
                 static_cast<double>(m.attention_scratch_bytes) / 1024.0,
                 static_cast<double>(chord::process_peak_rss_bytes()) / 1048576.0);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    spdlog::set_level(spdlog::level::warn);
    try {
        CliOptions o = parse(argc, argv);
        if (o.chat) {
            o.chat_mode.model = o.model;
            o.chat_mode.n_predict = o.n_predict;
            o.chat_mode.simd = o.simd;
            o.chat_mode.session = o.session;
            o.chat_mode.sampling = o.sampling;
            return chord::tools::run_chat_mode(o.chat_mode);
        }
        return o.tokenize_file.empty() ? generate(o) : tokenize(o);
    } catch (const chord::Error& e) {
        std::fprintf(stderr, "chord-cli: %s\n", e.what());
        return 1;
    } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "chord-cli: %s\n", e.what());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "chord-cli: %s\n", e.what());
        return 1;
    }
}
