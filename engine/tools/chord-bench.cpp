// chord-bench: prompt processing (pp) and generation (tg) tokens/s, in llama-bench's idiom so the two
// can be run side by side on the same GGUF:
//   chord-bench -m MODEL.gguf -p 512 -n 128 -t 2 -r 3 [--attn flash,standard] [--simd LEVEL] [--ctx N]
//               [--kv-type f16|f32] [-d DEPTH] [-o table|json]
// and matmul kernel micro-benchmarks per kernel table (chord-bench/bench_kernels.cpp):
//   chord-bench kernels [--types Q4_K,Q6_K] [--simd scalar,avx2,avx512] [--n-in N] [--rows N] [--tokens 1,16]
#include <cstdio>
#include <stdexcept>
#include <string>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "chord-bench/bench.h"

int main(int argc, char** argv) {
    using namespace chord::bench;
    // The engine's log goes to stderr (stdout carries the table or the JSON), warnings only unless -v.
    spdlog::set_default_logger(spdlog::stderr_color_mt("chord-bench"));
    spdlog::set_level(spdlog::level::warn);
    try {
        if (argc > 1 && std::string(argv[1]) == "kernels") return run_kernel_bench(argc - 1, argv + 1);
        const BenchOptions o = parse_bench_options(argc, argv);
        bool first = true;
        if (o.json) std::puts("[");
        else print_table_header();
        run_benchmarks(o, [&](const BenchResult& r) {
            if (o.json) {
                std::printf("%s%s", first ? "" : ",\n", result_json(r).c_str());
                std::fflush(stdout);
            } else {
                print_table_row(r);
            }
            first = false;
        });
        if (o.json) std::puts(first ? "]" : "\n]");
        return 0;
    } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "chord-bench: %s\n", e.what());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "chord-bench: %s\n", e.what());
        return 1;
    }
}
