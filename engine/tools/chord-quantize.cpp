// chord-quantize IN.gguf OUT.gguf TYPE [--threads N]
// Converts an F32/F16/BF16 GGUF model to a llama.cpp file type with llama-quantize's per-tensor mix;
// without an importance matrix the tensor bytes equal llama-quantize's.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <thread>

#include "chord/error.h"
#include "chord/gguf.h"
#include "../src/quant/model_quantizer.h"  // private engine header; the tool is part of the engine

namespace {

void print_usage() {
    std::fprintf(stderr, "usage: chord-quantize IN.gguf OUT.gguf TYPE [--threads N]\ntypes:");
    for (const chord::QuantPreset& p : chord::quant_presets()) std::fprintf(stderr, " %.*s", int(p.name.size()), p.name.data());
    std::fprintf(stderr, "\n");
}

}  // namespace

int main(int argc, char** argv) {
    std::string positional[3];
    int n_positional = 0;
    int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--threads" && i + 1 < argc) {
            threads = std::atoi(argv[++i]);
            if (threads < 1) {
                std::fprintf(stderr, "chord-quantize: --threads needs a positive number\n");
                return 2;
            }
        } else if (arg == "-h" || arg == "--help") {
            print_usage();
            return 0;
        } else if (n_positional < 3 && !arg.starts_with("--")) {
            positional[n_positional++] = arg;
        } else {
            print_usage();
            return 2;
        }
    }
    if (n_positional != 3) {
        print_usage();
        return 2;
    }
    const chord::QuantPreset* preset = chord::find_quant_preset(positional[2]);
    if (!preset) {
        std::fprintf(stderr, "chord-quantize: unknown type '%s'\n", positional[2].c_str());
        print_usage();
        return 2;
    }
    try {
        auto in = chord::GgufFile::open(positional[0]);
        chord::GgufWriter out;
        chord::ModelQuantizeOptions options;
        options.threads = threads;
        options.on_tensor = [](size_t k, size_t n, const std::string& name, chord::TensorType type) {
            const std::string_view type_name = chord::tensor_type_name(type);
            std::printf("[%4zu/%4zu] %-40s %.*s\n", k + 1, n, name.c_str(), int(type_name.size()), type_name.data());
            std::fflush(stdout);
        };
        chord::quantize_model(*in, *preset, out, options);
        out.write(positional[1]);
        std::printf("wrote %s (%.*s)\n", positional[1].c_str(), int(preset->name.size()), preset->name.data());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "chord-quantize: %s\n", e.what());
        return 1;
    }
    return 0;
}
