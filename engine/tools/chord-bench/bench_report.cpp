// chord-bench's output: llama-bench's markdown table, or one JSON object per test with its field names.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include <fmt/format.h>

#include "bench.h"
#include "json_writer.h"

namespace chord::bench {

namespace {

double mean(const std::vector<double>& v) {
    return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

// Sample standard deviation, as llama-bench reports it (0 for a single sample).
double stddev(const std::vector<double>& v) {
    if (v.size() < 2) return 0.0;
    const double m = mean(v);
    double s = 0.0;
    for (double x : v) s += (x - m) * (x - m);
    return std::sqrt(s / static_cast<double>(v.size() - 1));
}

std::vector<double> as_doubles(const std::vector<uint64_t>& v) { return {v.begin(), v.end()}; }

template <typename T> std::string json_array(const std::vector<T>& v) {
    std::string out = "[";
    for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + fmt::format("{}", v[i]);
    return out + "]";
}

std::string mib(uint64_t bytes) { return fmt::format("{:.2f} MiB", static_cast<double>(bytes) / 1048576.0); }

}  // namespace

std::vector<double> BenchResult::samples_ts() const {
    const int n = n_prompt + n_gen;
    std::vector<double> ts;
    for (uint64_t ns : samples_ns) ts.push_back(ns > 0 ? 1e9 * n / static_cast<double>(ns) : 0.0);
    return ts;
}
double BenchResult::avg_ns() const { return mean(as_doubles(samples_ns)); }
double BenchResult::stddev_ns() const { return stddev(as_doubles(samples_ns)); }
double BenchResult::avg_ts() const { return mean(samples_ts()); }
double BenchResult::stddev_ts() const { return stddev(samples_ts()); }

std::string BenchResult::test_name() const {
    std::string name = n_prompt > 0 ? fmt::format("pp{}", n_prompt) : fmt::format("tg{}", n_gen);
    if (n_depth > 0) name += fmt::format(" @ d{}", n_depth);
    return name;
}

void print_table_header() {
    std::puts("| model | size | params | backend | threads | attn | kv | test | t/s | peak RSS | attn scratch |");
    std::puts("| ----- | ---: | -----: | ------- | ------: | ---- | -- | ---: | --: | -------: | -----------: |");
}

void print_table_row(const BenchResult& r) {
    const std::string row = fmt::format(
        "| {} | {} | {:.2f} B | {} | {} | {} | {} | {} | {:.2f} ± {:.2f} | {} | {} |", r.model_type, mib(r.model_size),
        static_cast<double>(r.model_n_params) / 1e9, r.simd, r.n_threads, attention_backend_name(r.attn),
        kv_type_name(r.kv_type), r.test_name(), r.avg_ts(), r.stddev_ts(), mib(r.peak_rss_bytes),
        mib(r.attn_scratch_bytes));
    std::puts(row.c_str());
    std::fflush(stdout);
}

std::string result_json(const BenchResult& r) {
    using tools::json_string;
    const char* kv = kv_type_name(r.kv_type);
    std::string out = "  {\n";
    const auto field = [&out](const char* name, const std::string& value, bool last = false) {
        out += fmt::format("    \"{}\": {}{}\n", name, value, last ? "" : ",");
    };
    field("cpu_info", json_string(r.cpu_info));
    field("backends", json_string("CPU"));
    field("simd", json_string(r.simd));
    field("model_filename", json_string(r.model_filename));
    field("model_type", json_string(r.model_type));
    field("model_size", fmt::format("{}", r.model_size));
    field("model_n_params", fmt::format("{}", r.model_n_params));
    field("decode_weight_bytes", fmt::format("{}", r.decode_weight_bytes));
    field("n_batch", fmt::format("{}", r.n_batch));
    field("n_ubatch", fmt::format("{}", r.n_batch));
    field("n_threads", fmt::format("{}", r.n_threads));
    field("type_k", json_string(kv));
    field("type_v", json_string(kv));
    field("kv_type", json_string(kv));
    field("flash_attn", r.attn == AttentionBackend::Flash ? "true" : "false");
    field("attn", json_string(attention_backend_name(r.attn)));
    field("n_ctx", fmt::format("{}", r.n_ctx));
    field("n_prompt", fmt::format("{}", r.n_prompt));
    field("n_gen", fmt::format("{}", r.n_gen));
    field("n_depth", fmt::format("{}", r.n_depth));
    field("test_time", json_string(r.test_time));
    field("avg_ns", fmt::format("{:.0f}", r.avg_ns()));
    field("stddev_ns", fmt::format("{:.0f}", r.stddev_ns()));
    field("avg_ts", fmt::format("{:.6f}", r.avg_ts()));
    field("stddev_ts", fmt::format("{:.6f}", r.stddev_ts()));
    field("samples_ns", json_array(r.samples_ns));
    std::vector<std::string> ts;
    for (double x : r.samples_ts()) ts.push_back(fmt::format("{:.6f}", x));
    std::string ts_list = "[";
    for (size_t i = 0; i < ts.size(); ++i) ts_list += (i ? ", " : "") + ts[i];
    field("samples_ts", ts_list + "]");
    field("peak_rss_bytes", fmt::format("{}", r.peak_rss_bytes));
    field("attn_scratch_bytes", fmt::format("{}", r.attn_scratch_bytes));
    field("kv_cache_bytes", fmt::format("{}", r.kv_cache_bytes), true);
    return out + "  }";
}

}  // namespace chord::bench
