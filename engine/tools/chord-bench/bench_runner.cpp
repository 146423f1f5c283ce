// Runs chord-bench's tests. Like llama-bench: every test starts from an empty cache (plus -d depth tokens,
// untimed), runs once to warm up, then -r timed repetitions. pp = one decode() of the whole prompt
// (split into -b batches by the session); tg = n_gen decode() calls of one token each.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <random>

#include <fmt/format.h>

#include "bench.h"
#include "chord/generator.h"
#include "chord/gguf.h"
#include "chord/model.h"

namespace chord::bench {

namespace {

using Clock = std::chrono::steady_clock;

std::string cpu_model_name() {
    std::ifstream f("/proc/cpuinfo");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind("model name", 0) == 0 && line.find(':') != std::string::npos)
            return line.substr(line.find(':') + 2);
    return "unknown CPU";
}

std::string utc_now() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// Resets VmHWM to the current RSS (Linux ≥ 4.0), so peak RSS is measured per model, not per process.
void reset_peak_rss() {
    if (std::FILE* f = std::fopen("/proc/self/clear_refs", "w")) {
        std::fputs("5", f);
        std::fclose(f);
    }
}

// "llama 1.1B Q4_0", in llama-bench's spirit (architecture, size class, weight type).
std::string model_type(const ModelInfo& info) {
    const double b = static_cast<double>(info.n_params) / 1e9;
    const std::string size = b >= 1.0 ? fmt::format("{:.1f}B", b) : fmt::format("{:.1f}M", b * 1000.0);
    return fmt::format("{} {} {}", info.architecture, size, info.file_type);
}

uint64_t tensor_bytes(const Model& model) {
    uint64_t n = 0;
    for (const GgufTensor& t : model.gguf().tensors()) n += t.nbytes;
    return n;
}

// A decode step streams every weight once, except the embedding table, of which it reads one row.
uint64_t decode_weight_bytes(const Model& model) {
    uint64_t n = 0;
    for (const GgufTensor& t : model.gguf().tensors())
        n += t.name == "token_embd.weight" && t.n_rows() > 0 ? t.nbytes / static_cast<uint64_t>(t.n_rows()) : t.nbytes;
    return n;
}

struct TestShape {
    int n_prompt, n_gen, n_depth;
};

// The tests of one configuration in llama-bench's order: every pp size, then every tg size, at each depth.
std::vector<TestShape> test_shapes(const BenchOptions& o) {
    std::vector<TestShape> shapes;
    for (int d : o.n_depth) {
        for (int p : o.n_prompt)
            if (p > 0) shapes.push_back({p, 0, d});
        for (int n : o.n_gen)
            if (n > 0) shapes.push_back({0, n, d});
    }
    return shapes;
}

class TestRunner {
public:
    TestRunner(Session& session, const TestShape& shape, uint64_t seed) : session_(session), shape_(shape) {
        const int n_vocab = session.model().info().n_vocab;
        std::mt19937_64 rng(seed);
        std::uniform_int_distribution<TokenId> pick(0, n_vocab - 1);
        const int n = std::max({shape.n_prompt, shape.n_gen, shape.n_depth, 1});
        tokens_.resize(static_cast<size_t>(n));
        for (TokenId& t : tokens_) t = pick(rng);
        const TokenId bos = session.model().tokenizer().vocab().bos;
        if (bos >= 0) tokens_[0] = bos;  // like llama-bench: BOS first, then random ids
    }

    void warm_up() {
        prepare();
        if (shape_.n_prompt > 0) session_.decode(std::span(tokens_).first(static_cast<size_t>(shape_.n_prompt)));
        else session_.decode(std::span(tokens_).first(1));
    }

    uint64_t timed_run() {
        prepare();
        const auto t0 = Clock::now();
        if (shape_.n_prompt > 0) {
            session_.decode(std::span(tokens_).first(static_cast<size_t>(shape_.n_prompt)));
        } else {
            for (int i = 0; i < shape_.n_gen; ++i) session_.decode(std::span(tokens_).subspan(static_cast<size_t>(i), 1));
        }
        return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count());
    }

private:
    // Empty cache, then the untimed depth tokens.
    void prepare() {
        session_.truncate(0);
        if (shape_.n_depth > 0) session_.decode(std::span(tokens_).first(static_cast<size_t>(shape_.n_depth)));
    }
    Session& session_;
    TestShape shape_;
    std::vector<TokenId> tokens_;
};

}  // namespace

void run_benchmarks(const BenchOptions& o, const std::function<void(const BenchResult&)>& on_result) {
    const std::string cpu = cpu_model_name();
    const std::vector<TestShape> shapes = test_shapes(o);
    for (const std::string& path : o.models) {
        for (const std::string& simd : o.simd) {
            select_simd_level(simd);
            reset_peak_rss();
            const std::shared_ptr<Model> model = Model::load(path);
            const ModelInfo& info = model->info();
            for (int threads : o.threads)
                for (KvType kv : o.kv_types)
                    for (AttentionBackend attn : o.attn)
                        for (const TestShape& shape : shapes) {
                            BenchResult r;
                            r.model_filename = path;
                            r.model_type = model_type(info);
                            r.model_size = tensor_bytes(*model);
                            r.model_n_params = info.n_params;
                            r.decode_weight_bytes = decode_weight_bytes(*model);
                            r.simd = cpu_backend_name();
                            r.cpu_info = cpu;
                            r.n_batch = o.n_batch;
                            r.n_threads = threads;
                            r.n_prompt = shape.n_prompt;
                            r.n_gen = shape.n_gen;
                            r.n_depth = shape.n_depth;
                            r.attn = attn;
                            r.kv_type = kv;
                            const int needed = shape.n_depth + shape.n_prompt + shape.n_gen;
                            if (o.n_ctx > 0 && o.n_ctx < needed)
                                throw std::invalid_argument(fmt::format("--ctx {} is smaller than the {} tokens of {}",
                                                                        o.n_ctx, needed, r.test_name()));
                            r.n_ctx = o.n_ctx > 0 ? o.n_ctx : needed;
                            if (o.progress)
                                std::fprintf(stderr, "chord-bench: %s %s t=%d %s %s %s\n", path.c_str(), r.simd.c_str(),
                                             threads, attention_backend_name(attn), kv_type_name(kv),
                                             r.test_name().c_str());
                            SessionOptions so;
                            so.n_ctx = r.n_ctx;
                            so.n_threads = threads;
                            so.n_batch = o.n_batch;
                            so.attention = attn;
                            so.kv_type = kv;
                            Session session(model, so);
                            TestRunner runner(session, shape, o.seed);
                            r.test_time = utc_now();
                            runner.warm_up();
                            for (int rep = 0; rep < o.repetitions; ++rep) r.samples_ns.push_back(runner.timed_run());
                            const MemoryReport mem = session.memory();
                            r.attn_scratch_bytes = mem.attention_scratch_bytes;
                            r.kv_cache_bytes = mem.kv_cache_bytes;
                            r.peak_rss_bytes = process_peak_rss_bytes();
                            on_result(r);
                        }
        }
    }
}

}  // namespace chord::bench
