// Every architecture against llama.cpp: the tiny random models of ../shared/models/arch with llama.cpp's
// reference outputs, through the public engine API, with both attention backends and an F32 KV cache,
// by the rule of DESIGN.md ("How we compare with llama.cpp"):
//   prompt tokens equal; teacher-forced logits (llama.cpp's own tokens fed back) within 1e-4 over all
//   logits at step 0 and within 1e-3 on llama.cpp's top-5 at every later step (F32 arch zoo);
//   free-running greedy tokens identical, except after a step where llama.cpp's top-2 margin is < 0.01.
// Also: Mistral-style files (llama with sliding_window) ignore the window as llama.cpp does, and an
// unknown architecture is refused with one error naming it.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "chord/error.h"
#include "chord/generator.h"
#include "chord/gguf.h"
#include "chord/model.h"
#include "chord/session.h"
#include "chord_test.h"
#include "mini_json.h"

namespace fs = std::filesystem;

namespace {

constexpr double kStep0Tolerance = 1e-4;  // F32 weights: all logits at step 0
constexpr double kLaterTolerance = 1e-3;  // F32 weights: llama.cpp's top-5 at later steps
constexpr double kNearTie = 0.01;

std::string arch_dir() { return std::string(CHORD_SHARED_DIR) + "/models/arch"; }
std::string model_path(const std::string& arch) { return arch_dir() + "/" + arch + ".gguf"; }
std::string reference_path(const std::string& arch) { return arch_dir() + "/reference/" + arch + ".once.json"; }

struct Reference {
    std::string prompt;
    std::vector<int32_t> prompt_tokens;
    std::vector<int32_t> generated;
    std::vector<double> first_step_logits;
    std::vector<std::vector<std::pair<int32_t, double>>> top5;  // per step, llama.cpp's order
};

Reference read_reference(const std::string& path) {
    const mini_json::Value j = mini_json::parse_file(path);
    Reference r;
    r.prompt = j["prompt"].string;
    r.prompt_tokens = j["prompt_tokens"].as_ints();
    r.generated = j["generated_tokens"].as_ints();
    for (const mini_json::Value& v : j["first_step_logits"].array) r.first_step_logits.push_back(v.number);
    for (const mini_json::Value& step : j["steps"].array) {
        std::vector<std::pair<int32_t, double>> top;
        for (const mini_json::Value& pair : step["top5"].array) top.emplace_back(pair[0].as_int(), pair[1].number);
        r.top5.push_back(std::move(top));
    }
    return r;
}

chord::SessionOptions session_options(chord::AttentionBackend backend, const Reference& ref) {
    chord::SessionOptions so;
    so.kv_type = chord::KvType::F32;
    so.attention = backend;
    so.n_ctx = static_cast<int>(ref.prompt_tokens.size() + ref.generated.size() + 8);
    so.n_threads = 2;
    return so;
}

// Teacher-forced: llama.cpp's prompt and greedy tokens fed back; every step's logits in full.
std::string check_teacher_forced(const std::shared_ptr<chord::Model>& model, const Reference& ref,
                                 chord::AttentionBackend backend, const std::string& tag, double& worst0,
                                 double& worst_later) {
    chord::Session session(model, session_options(backend, ref));
    chord::GenerationParams gp;
    gp.max_tokens = static_cast<int>(ref.generated.size());
    gp.forced_tokens = ref.generated;
    gp.top_logits = model->info().n_vocab;  // every logit, so llama.cpp's top-5 are always there
    gp.stop_at_eog = false;
    gp.sampling.temperature = 0.0f;
    const chord::GenerationResult out = chord::Generator(session).generate(ref.prompt_tokens, gp);
    if (out.top_logits.size() != ref.generated.size())
        return tag + ": " + std::to_string(out.top_logits.size()) + " steps of logits, expected " +
               std::to_string(ref.generated.size());
    for (size_t step = 0; step < out.top_logits.size(); ++step) {
        std::map<int32_t, double> mine(out.top_logits[step].begin(), out.top_logits[step].end());
        if (step == 0) {
            if (mine.size() != ref.first_step_logits.size()) return tag + ": vocabulary size differs";
            for (size_t i = 0; i < ref.first_step_logits.size(); ++i)
                worst0 = std::max(worst0, std::abs(mine[static_cast<int32_t>(i)] - ref.first_step_logits[i]));
            if (worst0 > kStep0Tolerance) return tag + ": step 0 logits off by " + std::to_string(worst0);
            continue;
        }
        for (const auto& [token, logit] : ref.top5[step]) {
            const double d = std::abs(mine[token] - logit);
            worst_later = std::max(worst_later, d);
            if (d > kLaterTolerance)
                return tag + ": step " + std::to_string(step) + " token " + std::to_string(token) + " logit off by " +
                       std::to_string(d);
        }
    }
    return {};
}

// Free-running greedy: identical tokens, or a divergence right after one of llama.cpp's near-ties.
std::string check_greedy(const std::shared_ptr<chord::Model>& model, const Reference& ref,
                         chord::AttentionBackend backend, const std::string& tag) {
    chord::Session session(model, session_options(backend, ref));
    chord::GenerationParams gp;
    gp.max_tokens = static_cast<int>(ref.generated.size());
    gp.sampling.temperature = 0.0f;
    gp.stop_at_eog = false;
    const std::vector<chord::TokenId> got = chord::Generator(session).generate(ref.prompt_tokens, gp).tokens;
    for (size_t i = 0; i < ref.generated.size(); ++i) {
        if (i >= got.size()) return tag + ": generated only " + std::to_string(got.size()) + " tokens";
        if (got[i] == ref.generated[i]) continue;
        const auto& top = ref.top5[i];
        const double best = top[0].second;
        const bool near_tie = best - top[1].second < kNearTie;
        const bool chose_near_top = std::any_of(top.begin(), top.end(), [&](const auto& p) {
            return p.first == got[i] && best - p.second < kNearTie;
        });
        if (near_tie && chose_near_top) return {};  // later tokens may differ
        return tag + ": greedy token " + std::to_string(i) + " is " + std::to_string(got[i]) + ", llama.cpp chose " +
               std::to_string(ref.generated[i]);
    }
    return {};
}

// All checks for one model file against one reference, with both attention backends: "" or the failures.
std::string reference_failures(const std::string& gguf, const std::string& ref_path, const std::string& name) {
    const Reference ref = read_reference(ref_path);
    const auto model = chord::Model::load(gguf);
    std::string failures;
    const auto prompt = model->tokenizer().encode(ref.prompt, true, false);
    if (prompt != ref.prompt_tokens) failures += "\n  " + name + ": prompt tokens differ from llama.cpp's";
    for (auto backend : {chord::AttentionBackend::Flash, chord::AttentionBackend::Standard}) {
        const std::string tag = name + " (" + chord::attention_backend_name(backend) + ")";
        double worst0 = 0.0, worst_later = 0.0;
        for (const std::string& problem : {check_teacher_forced(model, ref, backend, tag, worst0, worst_later),
                                           check_greedy(model, ref, backend, tag)})
            if (!problem.empty()) failures += "\n  " + problem;
        std::printf("  %s: max |dlogit| step 0 %.3g, later top-5 %.3g\n", tag.c_str(), worst0, worst_later);
    }
    return failures;
}

void check_against_reference(const std::string& gguf, const std::string& ref_path, const std::string& name) {
    if (!fs::exists(gguf) || !fs::exists(ref_path)) QSKIP("arch models not found (set CHORD_SHARED_DIR)");
    const std::string failures = reference_failures(gguf, ref_path, name);
    QVERIFY2(failures.empty(), ("failed:" + failures).c_str());
}

void check_architecture(const std::string& arch) { check_against_reference(model_path(arch), reference_path(arch), arch); }

// Copies a GGUF file with its metadata edited (tensors unchanged) to a temporary path.
std::string rewritten_copy(const std::string& src, const std::string& name,
                           const std::function<void(chord::GgufWriter&)>& edit) {
    const auto in = chord::GgufFile::open(src);
    chord::GgufWriter w;
    w.set_alignment(static_cast<uint32_t>(in->alignment()));
    for (const auto& [key, value] : in->metadata())
        if (key != "general.alignment") w.set(key, value);
    edit(w);
    for (const chord::GgufTensor& t : in->tensors())
        w.add_tensor(t.name, t.type, std::vector<int64_t>(t.ne.begin(), t.ne.begin() + t.n_dims),
                     std::vector<uint8_t>(t.data, t.data + t.nbytes));
    const std::string out = (fs::temp_directory_path() / name).string();
    w.write(out);
    return out;
}

}  // namespace

class TestArchitectures : public QObject {
    Q_OBJECT
private slots:
    void llama() { check_architecture("llama"); }
    void qwen2() { check_architecture("qwen2"); }
    void qwen3() { check_architecture("qwen3"); }
    void phi3() { check_architecture("phi3"); }
    void gemma2() { check_architecture("gemma2"); }
    void gemma3() { check_architecture("gemma3"); }
    void starcoder2() { check_architecture("starcoder2"); }
    void gpt2() { check_architecture("gpt2"); }

    // A window of 4 would change every step after the 4th position if it were applied.
    void mistralSlidingWindowIsIgnored() {
        if (!fs::exists(model_path("llama"))) QSKIP("arch models not found (set CHORD_SHARED_DIR)");
        const std::string path = rewritten_copy(model_path("llama"), "chord-test-mistral-swa.gguf",
                                                [](chord::GgufWriter& w) { w.set_u32("llama.attention.sliding_window", 4); });
        check_against_reference(path, reference_path("llama"), "llama with sliding_window 4");
        fs::remove(path);
    }

    void unknownArchitectureIsNamed() {
        if (!fs::exists(model_path("llama"))) QSKIP("arch models not found (set CHORD_SHARED_DIR)");
        const std::string path = rewritten_copy(model_path("llama"), "chord-test-mamba.gguf",
                                                [](chord::GgufWriter& w) { w.set_string("general.architecture", "mamba"); });
        std::string message;
        chord::ErrorKind kind = chord::ErrorKind::BadFile;
        try {
            chord::Model::load(path);
        } catch (const chord::Error& e) {
            message = e.what();
            kind = e.kind();
        }
        fs::remove(path);
        QVERIFY2(kind == chord::ErrorKind::Unsupported, message.c_str());
        QVERIFY2(message.find("'mamba'") != std::string::npos, message.c_str());
        QVERIFY2(message.find("gemma3") != std::string::npos, message.c_str());  // lists what is supported
    }
};

CHORD_TEST_MAIN(TestArchitectures, llama, qwen2, qwen3, phi3, gemma2, gemma3, starcoder2, gpt2,
                mistralSlidingWindowIsIgnored, unknownArchitectureIsNamed)
#ifndef CHORD_TEST_NO_QT
#include "test_architectures.moc"
#endif
