// chord-mkmodel: writes a synthetic llama model (real shapes and tokenizer, seeded random weights).
//   chord-mkmodel -o OUT.gguf [--preset tinyllama-1.1b|tiny|micro] [--layers N --dim D --ffn F --heads H
//                 --kv-heads K --vocab V --ctx C] --type f32|f16|bf16|q8_0|q4_0|… [--seed S] [--threads N]
// Same options, same bytes (the generator is documented in chord/synthetic_model.h).
#include <chrono>
#include <cstdio>
#include <string>

#include <fmt/format.h>

#include "arg_parser.h"
#include "chord/error.h"
#include "chord/synthetic_model.h"

namespace {

void print_usage() {
    std::puts(
        "usage: chord-mkmodel -o OUT.gguf [--preset NAME] [shape options] [--type TYPE] [--seed S]\n"
        "  -o, --output FILE       the GGUF file to write\n"
        "  --preset NAME           tinyllama-1.1b (default), tiny, micro\n"
        "  --layers N --dim D --ffn F --heads H --kv-heads K --vocab V --ctx C   override the preset's shape\n"
        "  --type TYPE             2-D weights: f32 (default), f16, bf16, q8_0, q4_0, q4_1, q5_0, q5_1, q4_k, q5_k, q6_k\n"
        "  --embd-type TYPE        token_embd.weight (default: --type)\n"
        "  --output-type TYPE      output.weight (default: --type)\n"
        "  --seed S                random seed (default 1234)\n"
        "  --stddev X              weight standard deviation (default 0.02)\n"
        "  --name TEXT             general.name\n"
        "  --threads N             encoding threads (default 1; the output does not depend on it)\n"
        "  -q, --quiet             no progress on stderr");
}

chord::TensorType parse_type(const std::string& opt, const std::string& v) {
    static const std::pair<const char*, chord::TensorType> kTypes[] = {
        {"f32", chord::TensorType::F32},   {"f16", chord::TensorType::F16},   {"bf16", chord::TensorType::BF16},
        {"q8_0", chord::TensorType::Q8_0}, {"q4_0", chord::TensorType::Q4_0}, {"q4_1", chord::TensorType::Q4_1},
        {"q5_0", chord::TensorType::Q5_0}, {"q5_1", chord::TensorType::Q5_1}, {"q4_k", chord::TensorType::Q4_K},
        {"q5_k", chord::TensorType::Q5_K}, {"q6_k", chord::TensorType::Q6_K},
    };
    for (const auto& [name, type] : kTypes)
        if (v == name) return type;
    throw std::invalid_argument(opt + ": unknown type '" + v + "' (f32, f16, bf16, q8_0, q4_0, q4_1, q5_0, q5_1, q4_k, q5_k, q6_k)");
}

struct MkModelOptions {
    std::string output;
    chord::SyntheticModelSpec spec;
    int threads = 1;
    bool quiet = false;
};

MkModelOptions parse(int argc, char** argv) {
    // The preset is applied first, whatever its position, so shape options always override it.
    std::string preset = "tinyllama-1.1b";
    for (int i = 1; i + 1 < argc; ++i)
        if (std::string(argv[i]) == "--preset") preset = argv[i + 1];
    const std::optional<chord::SyntheticModelSpec> base = chord::synthetic_preset(preset);
    if (!base) {
        std::string names;
        for (const std::string& n : chord::synthetic_preset_names()) names += (names.empty() ? "" : ", ") + n;
        throw std::invalid_argument("--preset: unknown preset '" + preset + "' (" + names + ")");
    }
    MkModelOptions o;
    o.spec = *base;
    chord::tools::ArgParser a(argc, argv);
    while (!a.done()) {
        const std::string arg = a.next();
        if (arg == "-h" || arg == "--help") { print_usage(); std::exit(0); }
        else if (arg == "-o" || arg == "--output") o.output = a.value(arg);
        else if (arg == "--preset") a.value(arg);
        else if (arg == "--layers") o.spec.n_layer = a.int_value(arg);
        else if (arg == "--dim") o.spec.n_embd = a.int_value(arg);
        else if (arg == "--ffn") o.spec.n_ff = a.int_value(arg);
        else if (arg == "--heads") o.spec.n_head = a.int_value(arg);
        else if (arg == "--kv-heads") o.spec.n_head_kv = a.int_value(arg);
        else if (arg == "--vocab") o.spec.n_vocab = a.int_value(arg);
        else if (arg == "--ctx") o.spec.n_ctx = a.int_value(arg);
        else if (arg == "--type") o.spec.weight_type = parse_type(arg, a.value(arg));
        else if (arg == "--embd-type") o.spec.embd_type = parse_type(arg, a.value(arg));
        else if (arg == "--output-type") o.spec.output_type = parse_type(arg, a.value(arg));
        else if (arg == "--seed") o.spec.seed = a.u64_value(arg);
        else if (arg == "--stddev") o.spec.stddev = a.float_value(arg);
        else if (arg == "--name") o.spec.name = a.value(arg);
        else if (arg == "--threads" || arg == "-t") o.threads = a.int_value(arg);
        else if (arg == "-q" || arg == "--quiet") o.quiet = true;
        else throw std::invalid_argument("unknown option " + arg + " (see --help)");
    }
    if (o.output.empty()) throw std::invalid_argument("no output file given (-o OUT.gguf)");
    if (o.threads < 1) throw std::invalid_argument("--threads must be at least 1");
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const MkModelOptions o = parse(argc, argv);
        const auto t0 = std::chrono::steady_clock::now();
        const auto seconds = [&] {
            return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        };
        uint64_t last_report = 0;
        chord::write_synthetic_model(o.spec, o.output, o.threads, [&](uint64_t done, uint64_t total) {
            if (o.quiet || (done - last_report < (uint64_t{256} << 20) && done < total)) return;
            last_report = done;
            std::fprintf(stderr, "\r%s: %.0f / %.0f MiB (%.1f s)", o.output.c_str(), done / 1048576.0,
                         total / 1048576.0, seconds());
        });
        if (!o.quiet) std::fputc('\n', stderr);
        const auto& s = o.spec;
        std::printf("%s\n", fmt::format("wrote {}: {} layers, dim {}, ffn {}, heads {}/{}, vocab {}, ctx {}, {}, seed {} ({:.1f} s)",
                                        o.output, s.n_layer, s.n_embd, s.n_ff, s.n_head, s.n_head_kv, s.n_vocab,
                                        s.n_ctx, chord::tensor_type_name(s.weight_type), s.seed, seconds())
                                .c_str());
        return 0;
    } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "chord-mkmodel: %s\n", e.what());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "chord-mkmodel: %s\n", e.what());
        return 1;
    }
}
