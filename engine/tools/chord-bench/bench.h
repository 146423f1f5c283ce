#pragma once
// chord-bench: prompt-processing and generation speed in llama-bench's idiom (its flags, its JSON fields).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "chord/session.h"

namespace chord::bench {

struct BenchOptions {
    std::vector<std::string> models;
    std::vector<int> n_prompt{512};
    std::vector<int> n_gen{128};
    std::vector<int> n_depth{0};        // tokens already in the cache before the timed part (llama-bench -d)
    std::vector<int> threads;           // default: all hardware threads
    std::vector<AttentionBackend> attn{AttentionBackend::Flash};
    std::vector<KvType> kv_types{KvType::F16};
    std::vector<std::string> simd{"auto"};
    int n_batch = 512;
    int n_ctx = 0;                      // 0: depth + prompt + generation, like llama-bench
    int repetitions = 5;
    uint64_t seed = 42;                 // the random token ids fed to the model
    bool json = false;
    bool progress = false;
};

// Parses llama-bench-style arguments; throws std::invalid_argument with a one-line message.
BenchOptions parse_bench_options(int argc, char** argv);
void print_bench_usage();

// One test's measurements: a pp test has n_gen 0, a tg test n_prompt 0 (as llama-bench reports them).
struct BenchResult {
    std::string model_filename, model_type, simd, cpu_info, test_time;
    uint64_t model_size = 0, model_n_params = 0;
    uint64_t decode_weight_bytes = 0;   // weight bytes one decode step reads: all but token_embd, + one row of it
    int n_batch = 0, n_threads = 0, n_prompt = 0, n_gen = 0, n_depth = 0, n_ctx = 0;
    AttentionBackend attn = AttentionBackend::Flash;
    KvType kv_type = KvType::F16;
    std::vector<uint64_t> samples_ns;
    uint64_t peak_rss_bytes = 0;        // VmHWM since this model was loaded (see --help)
    uint64_t attn_scratch_bytes = 0;    // the attention backend's counted peak allocation in this test
    uint64_t kv_cache_bytes = 0;

    std::vector<double> samples_ts() const;  // tokens per second of each repetition
    double avg_ns() const;
    double stddev_ns() const;
    double avg_ts() const;
    double stddev_ts() const;
    std::string test_name() const;       // "pp512", "tg128", "tg128 @ d2048"
};

// Runs every combination; calls on_result after each test (so a long run prints as it goes).
void run_benchmarks(const BenchOptions& o, const std::function<void(const BenchResult&)>& on_result);

// "chord-bench kernels …": kernel micro-benchmarks (bench_kernels.cpp); argv[0] is "kernels".
int run_kernel_bench(int argc, char** argv);

// Output: a markdown table like llama-bench's (header, then one row per result), or a JSON array.
void print_table_header();
void print_table_row(const BenchResult& r);
std::string result_json(const BenchResult& r);

}  // namespace chord::bench
