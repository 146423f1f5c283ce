// The load-time repack's no-memory path (model/weight_repack.cpp): when the buffer for the decode layout
// cannot be had, the model still loads, its matrices stay row-major in the file mapping, and it computes
// what the repacked model computes.
//
// The failure is real, not simulated: the model is loaded under the smallest address-space limit
// (RLIMIT_AS, set for the load only) under which it loads at all. The repack buffer, the load's largest
// allocation (≥ 2 MiB, 2 MiB-aligned), no longer fits there; the test checks that it was indeed skipped.
// Sanitizer runtimes reserve terabytes of shadow address space, so there the limit cannot work: skipped.
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "chord/generator.h"
#include "chord/model.h"
#include "chord/session.h"
#include "chord_test.h"
#include "kernels/kernels.h"
#include "mini_json.h"
#include "model/weights.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define CHORD_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define CHORD_TEST_SANITIZED 1
#endif
#endif

#ifndef CHORD_TEST_SANITIZED
namespace {

// Q4_0 everywhere, rows in multiples of 16: every matrix but token_embd is repacked by the AVX2 and
// AVX-512 tables. Its llama.cpp reference has the full step-0 logits.
const std::string kModel = std::string(CHORD_SHARED_DIR) + "/models/quant/synth-q-Q4_0.gguf";
const std::string kReference = std::string(CHORD_SHARED_DIR) + "/models/quant/reference/synth-q-Q4_0.once.json";

std::vector<const chord::WeightMatrix*> matrices(const chord::ModelWeights& w) {
    std::vector<const chord::WeightMatrix*> out{&w.output};
    for (const chord::LayerWeights& l : w.layers)
        for (const chord::WeightMatrix* m : {&l.wq, &l.wk, &l.wv, &l.wo, &l.w_gate, &l.w_up, &l.w_down}) out.push_back(m);
    return out;
}

int repacked_count(const chord::Model& m) {
    int n = 0;
    for (const chord::WeightMatrix* w : matrices(m.weights())) n += w->layout != chord::RowLayout::RowMajor;
    return n;
}

// VmSize: the address space this process uses now, which RLIMIT_AS bounds.
uint64_t address_space_bytes() {
    std::FILE* f = std::fopen("/proc/self/status", "r");
    if (!f) return 0;
    char line[256];
    unsigned long long kib = 0;
    while (std::fgets(line, sizeof line, f))
        if (std::sscanf(line, "VmSize: %llu kB", &kib) == 1) break;
    std::fclose(f);
    return kib * 1024;
}

// Loads path under the smallest address-space limit (in steps of 64 KiB above what is in use) that lets
// the load finish; nullptr when none up to 64 MiB more does.
std::shared_ptr<chord::Model> load_with_least_address_space(const std::string& path) {
    rlimit saved{};
    if (getrlimit(RLIMIT_AS, &saved) != 0) return nullptr;
    const uint64_t in_use = address_space_bytes();
    for (uint64_t extra = 0; extra <= (uint64_t{64} << 20); extra += 64 << 10) {
        const rlimit tight{static_cast<rlim_t>(in_use + extra), saved.rlim_max};
        if (saved.rlim_cur != RLIM_INFINITY && tight.rlim_cur >= saved.rlim_cur) return nullptr;
        std::shared_ptr<chord::Model> model;
        if (setrlimit(RLIMIT_AS, &tight) != 0) return nullptr;
        try {
            model = chord::Model::load(path);
        } catch (const std::exception&) {  // out of address space somewhere in the load: more next time
        }
        setrlimit(RLIMIT_AS, &saved);
        if (model) return model;
    }
    return nullptr;
}

// The step-0 logits of the prompt and the greedy continuation, F32 KV cache (as the reference was made).
struct Run {
    std::vector<float> logits;
    std::vector<chord::TokenId> tokens;
};

Run run(const std::shared_ptr<chord::Model>& model, const std::vector<chord::TokenId>& prompt, int n_tokens) {
    chord::SessionOptions so;
    so.kv_type = chord::KvType::F32;
    so.n_ctx = static_cast<int>(prompt.size()) + n_tokens + 8;
    Run r;
    {
        chord::Session s(model, so);
        const std::span<const float> logits = s.decode(prompt);
        r.logits.assign(logits.begin(), logits.end());
    }
    chord::Session s(model, so);
    chord::GenerationParams gp;
    gp.max_tokens = n_tokens;
    gp.sampling.temperature = 0.0f;
    gp.stop_at_eog = false;
    r.tokens = chord::Generator(s).generate(prompt, gp).tokens;
    return r;
}

}  // namespace
#endif

class TestRepackFallback : public QObject {
    Q_OBJECT
private slots:
    void noMemoryForTheRepackLeavesTheModelMappedAndCorrect() {
#ifdef CHORD_TEST_SANITIZED
        QSKIP("sanitizer runtimes reserve more address space than RLIMIT_AS can leave room for");
#else
        QVERIFY2(std::filesystem::exists(kModel), kModel.c_str());
        const auto repacked = chord::Model::load(kModel);
        const int n_repacked = repacked_count(*repacked);
        if (n_repacked == 0)
            QSKIP(("the " + std::string(chord::kernels().name) + " kernel table repacks no Q4_0 matrix").c_str());
        QVERIFY(repacked->weights().repacked != nullptr);

        if (address_space_bytes() == 0) QSKIP("no VmSize in /proc/self/status to set the limit from");
        const auto mapped = load_with_least_address_space(kModel);
        QVERIFY2(mapped, "the model loaded under no address-space limit up to 64 MiB above what was in use");
        QVERIFY2(mapped->weights().repacked == nullptr, "the load that just fit also fit the repack buffer");
        for (const chord::WeightMatrix* w : matrices(mapped->weights()))
            QVERIFY2(w->layout == chord::RowLayout::RowMajor, (w->name + " is not row-major").c_str());
        std::printf("%d matrices stayed row-major (the %s table repacks them when it can)\n", n_repacked,
                    chord::kernels().name);

        // The same computation: the kernels give the same bits on either layout, and llama.cpp agrees.
        const mini_json::Value ref = mini_json::parse_file(kReference);
        const std::vector<chord::TokenId> prompt = ref["prompt_tokens"].as_ints();
        const int n_tokens = static_cast<int>(ref["generated_tokens"].size());
        const Run want = run(repacked, prompt, n_tokens);
        const Run got = run(mapped, prompt, n_tokens);
        QCOMPARE(got.logits.size(), want.logits.size());
        QVERIFY2(std::memcmp(got.logits.data(), want.logits.data(), want.logits.size() * sizeof(float)) == 0,
                 "step-0 logits differ from the repacked model's");
        QVERIFY(got.tokens == want.tokens);
        const mini_json::Value& first = ref["first_step_logits"];
        QCOMPARE(first.size(), got.logits.size());
        double worst = 0.0;
        for (size_t i = 0; i < got.logits.size(); ++i) worst = std::max(worst, std::abs(got.logits[i] - first[i].number));
        QVERIFY2(worst <= 1e-4, ("step-0 logits off llama.cpp's by " + std::to_string(worst)).c_str());
#endif
    }
};

CHORD_TEST_MAIN(TestRepackFallback, noMemoryForTheRepackLeavesTheModelMappedAndCorrect)
#ifndef CHORD_TEST_NO_QT
#include "test_repack_fallback.moc"
#endif
