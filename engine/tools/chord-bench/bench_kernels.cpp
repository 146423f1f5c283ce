// chord-bench kernels: matmul kernel micro-benchmarks, one thread, every kernel table this CPU runs.
//   chord-bench kernels [--types Q4_K,Q6_K,…] [--simd scalar,avx2,avx512,neon] [--n-in N] [--rows N]
//                       [--tokens 1,16] [-r N]
// For each (type, table, token count): converts random activations once, then times gemm_rows over all
// rows (a decode step's or a prompt batch's share of one matrix). Weights are random bytes with a fixed
// finite fp16 scale (speed does not depend on the values, and quantizing a large matrix is slow).
// Reports the best of r repetitions after a warm-up: µs per call, weight GB/s, and the speed-up over the
// scalar table. A table that repacks the type at load (Kernels::decode_layout) gets a second row on the
// repacked matrix, as a loaded model runs it.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "arg_parser.h"
#include "bench.h"
#include "kernels/kernels.h"
#include "model/weights.h"
#include "quant/interleave16.h"
#include "quant/interleave4.h"
#include "quant/quant.h"

namespace chord::bench {

namespace {

struct KernelBenchOptions {
    std::vector<TensorType> types{TensorType::Q4_K, TensorType::Q6_K, TensorType::Q5_K, TensorType::IQ4_XS};
    std::vector<SimdLevel> levels{SimdLevel::Scalar, SimdLevel::Avx2, SimdLevel::Avx512, SimdLevel::Neon};
    int64_t n_in = 4096, rows = 1024;
    std::vector<int64_t> tokens{1, 16};
    int repetitions = 5;
};

std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= s.size()) {
        const size_t end = std::min(s.find(',', start), s.size());
        if (end > start) out.push_back(s.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

TensorType parse_type(const std::string& name) {
    for (TensorType t : {TensorType::Q4_0, TensorType::Q4_1, TensorType::Q5_0, TensorType::Q5_1, TensorType::Q8_0,
                         TensorType::Q2_K, TensorType::Q3_K, TensorType::Q4_K, TensorType::Q5_K, TensorType::Q6_K,
                         TensorType::IQ4_NL, TensorType::IQ4_XS, TensorType::F16, TensorType::BF16, TensorType::F32})
        if (tensor_type_name(t) == name) return t;
    throw std::invalid_argument("--types: unknown type '" + name + "'");
}

SimdLevel parse_level(const std::string& name) {
    if (name == "scalar") return SimdLevel::Scalar;
    if (name == "avx2") return SimdLevel::Avx2;
    if (name == "avx512") return SimdLevel::Avx512;
    if (name == "neon") return SimdLevel::Neon;
    throw std::invalid_argument("--simd: unknown level '" + name + "' (scalar, avx2, avx512, neon)");
}

KernelBenchOptions parse(int argc, char** argv) {
    KernelBenchOptions o;
    tools::ArgParser a(argc, argv);
    while (!a.done()) {
        const std::string arg = a.next();
        if (arg == "--types") {
            o.types.clear();
            for (const auto& t : split(a.value(arg))) o.types.push_back(parse_type(t));
        } else if (arg == "--simd") {
            o.levels.clear();
            for (const auto& l : split(a.value(arg))) o.levels.push_back(parse_level(l));
        } else if (arg == "--n-in") o.n_in = a.int_value(arg);
        else if (arg == "--rows") o.rows = a.int_value(arg);
        else if (arg == "--tokens") {
            o.tokens.clear();
            for (const auto& t : split(a.value(arg))) o.tokens.push_back(std::stoll(t));
        } else if (arg == "-r" || arg == "--repetitions") o.repetitions = std::max(1, a.int_value(arg));
        else throw std::invalid_argument("kernels: unknown argument '" + arg + "'");
    }
    if (o.n_in <= 0 || o.n_in % 256 != 0) throw std::invalid_argument("--n-in must be a positive multiple of 256");
    if (o.rows <= 0) throw std::invalid_argument("--rows must be positive");
    return o;
}

// Random blocks whose fp16 scales (d, dmin: the 2-byte fields at the offsets below) are 2^-10.
std::vector<uint8_t> random_weights(TensorType type, int64_t n_in, int64_t rows) {
    const size_t row = row_bytes(type, n_in);
    std::vector<uint8_t> bytes(row * static_cast<size_t>(rows));
    std::mt19937 rng(1234u);
    for (auto& b : bytes) b = static_cast<uint8_t>(rng());
    if (type == TensorType::F32 || type == TensorType::F16 || type == TensorType::BF16) {
        std::normal_distribution<float> dist(0.0f, 0.05f);
        std::vector<float> f(static_cast<size_t>(n_in));
        for (int64_t r = 0; r < rows; ++r) {
            for (auto& x : f) x = dist(rng);
            quantize_row(type, f.data(), bytes.data() + row * static_cast<size_t>(r), n_in);
        }
        return bytes;
    }
    const size_t block = row_bytes(type, type == TensorType::Q2_K || type == TensorType::Q3_K || type == TensorType::Q4_K ||
                                                 type == TensorType::Q5_K || type == TensorType::Q6_K ||
                                                 type == TensorType::IQ4_XS
                                             ? 256
                                             : 32);
    std::vector<size_t> scale_offsets{0};
    if (type == TensorType::Q6_K) scale_offsets = {block - 2};
    else if (type == TensorType::Q2_K) scale_offsets = {block - 4, block - 2};
    else if (type == TensorType::Q3_K) scale_offsets = {block - 2};
    else if (type == TensorType::Q4_K || type == TensorType::Q5_K || type == TensorType::Q4_1 || type == TensorType::Q5_1)
        scale_offsets = {0, 2};
    for (size_t at = 0; at < bytes.size(); at += block)
        for (size_t off : scale_offsets) {
            bytes[at + off] = 0x00;
            bytes[at + off + 1] = 0x14;
        }
    return bytes;
}

double best_us(const Kernels& k, const WeightMatrix& w, const uint8_t* act, int64_t n_tokens, float* y, int reps) {
    double best = 1e300;
    for (int r = 0; r <= reps; ++r) {  // r == 0: warm-up
        const auto t0 = std::chrono::steady_clock::now();
        k.gemm_rows(w, 0, w.n_out, act, n_tokens, y);
        const auto t1 = std::chrono::steady_clock::now();
        if (r > 0) best = std::min(best, std::chrono::duration<double, std::micro>(t1 - t0).count());
    }
    return best;
}

// w's bytes in the table's decode layout, into buf; w itself when the table reads the type row-major.
WeightMatrix in_decode_layout(const Kernels& k, const WeightMatrix& w, std::vector<uint8_t>& buf) {
    const RowLayout layout = k.decode_layout ? k.decode_layout(w.type) : RowLayout::RowMajor;
    const TensorTypeInfo& info = *tensor_type_info(w.type);
    const int64_t n_blocks = w.n_in / info.block_elems;
    buf.resize(w.bytes());
    if (layout == RowLayout::Interleaved16 && w.n_out % kInterleaveRows == 0)
        interleave16_groups(w.data, n_blocks, info.block_bytes, 0, w.n_out / kInterleaveRows, buf.data());
    else if (layout == RowLayout::Interleaved4 && w.n_out % kInterleave4Rows == 0)
        interleave4_groups(w.data, n_blocks, info.block_bytes, 0, w.n_out / kInterleave4Rows, buf.data());
    else
        return w;
    WeightMatrix packed = w;
    packed.data = buf.data();
    packed.layout = layout;
    return packed;
}

const char* layout_name(RowLayout layout) {
    switch (layout) {
        case RowLayout::Interleaved16: return "Interleaved16";
        case RowLayout::Interleaved4: return "Interleaved4";
        case RowLayout::RowMajor: break;
    }
    return "row-major";
}

}  // namespace

int run_kernel_bench(int argc, char** argv) {
    const KernelBenchOptions o = parse(argc, argv);
    std::printf("| type | kernels | n_in | rows | tokens | µs/call | weight GB/s | × scalar |\n");
    std::printf("|---|---|--:|--:|--:|--:|--:|--:|\n");
    std::mt19937 rng(42u);
    std::normal_distribution<float> dist(0.0f, 1.0f);
    for (TensorType type : o.types) {
        const QuantFormat* f = quant_format(type);
        if (!f || !f->vec_dot) throw std::invalid_argument("no kernels for " + std::string(tensor_type_name(type)));
        std::vector<uint8_t> bytes = random_weights(type, o.n_in, o.rows);
        WeightMatrix w;
        w.type = type;
        w.format = f;
        w.n_in = o.n_in;
        w.n_out = o.rows;
        w.row_bytes = row_bytes(type, o.n_in);
        w.data = bytes.data();
        for (int64_t n_tokens : o.tokens) {
            std::vector<float> x(static_cast<size_t>(o.n_in * n_tokens));
            for (auto& v : x) v = dist(rng);
            std::vector<float> y(static_cast<size_t>(o.rows * n_tokens));
            double scalar_us = 0.0;
            for (SimdLevel level : o.levels) {
                const Kernels* k = kernels_for(level);
                if (!k) continue;
                std::vector<uint8_t> act(k->activation_bytes(*f, o.n_in, n_tokens) + 64);
                uint8_t* aligned = act.data() + (64 - reinterpret_cast<uintptr_t>(act.data()) % 64) % 64;
                for (int64_t t0 = 0; t0 < n_tokens; t0 += kActivationTokenGroup)
                    k->convert_activations(*f, x.data(), o.n_in, n_tokens, t0, std::min(n_tokens, t0 + kActivationTokenGroup),
                                           aligned);
                // Times m, prints its row; the scalar table's row-major time is the speed-ups' base.
                const auto time_row = [&](const WeightMatrix& m, const std::string& table) {
                    const double us = best_us(*k, m, aligned, n_tokens, y.data(), o.repetitions);
                    if (level == SimdLevel::Scalar && scalar_us == 0.0) scalar_us = us;
                    const double gbs = static_cast<double>(m.bytes()) / (us * 1e3);
                    char speedup[32] = "–";
                    if (scalar_us > 0.0) std::snprintf(speedup, sizeof speedup, "%.1f×", scalar_us / us);
                    std::printf("| %s | %s | %lld | %lld | %lld | %.1f | %.2f | %s |\n",
                                std::string(tensor_type_name(type)).c_str(), table.c_str(), static_cast<long long>(o.n_in),
                                static_cast<long long>(o.rows), static_cast<long long>(n_tokens), us, gbs, speedup);
                    std::fflush(stdout);
                };
                time_row(w, k->name);
                std::vector<uint8_t> packed_bytes;
                const WeightMatrix packed = in_decode_layout(*k, w, packed_bytes);
                if (packed.layout != RowLayout::RowMajor)
                    time_row(packed, std::string(k->name) + ", " + layout_name(packed.layout));
            }
        }
    }
    return 0;
}

}  // namespace chord::bench
