// Q5_1 weights against llama.cpp's x86 arithmetic.
//
// synth-q-Q5_1 has a Q8_1 activation block (layer 0 ffn_down input, prompt token 4, block 7) whose
// s = fp16(d·Σq) is two f32 ulps from an fp16 tie. A Q5_1 vec_dot that sums in another float order than
// llama.cpp's moves the SiLU·up value feeding it by those two ulps, s rounds the other way and the step-0
// logits move by 1.9e-2 (limit 1e-4). So:
//  * stepZeroLogitsMatchLlamaCpp: the whole model against llama.cpp's recorded step-0 logits;
//  * dotFollowsX86FloatOrder: vec_dot bit for bit against llama.cpp's AVX2 order, written out here from
//    the block fields (8 lanes of 4 consecutive elements, fma per block, hsum_float_8, then + Σ m·s).
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "chord/model.h"
#include "chord/session.h"
#include "chord_test.h"
#include "mini_json.h"
#include "quant/blocks.h"
#include "quant/fp16.h"
#include "quant/quant.h"

using namespace chord;

namespace {

const std::string kQuantDir = std::string(CHORD_SHARED_DIR) + "/models/quant/";

// Element j's 5-bit code: low nibbles hold elements 0…15, high nibbles 16…31, qh bit j the fifth bit.
int code_of(const BlockQ5_1& b, int j) {
    uint32_t qh = 0;
    std::memcpy(&qh, b.qh, sizeof qh);
    const int nibble = j < 16 ? (b.qs[j] & 0x0F) : (b.qs[j - 16] >> 4);
    return nibble | static_cast<int>(((qh >> j) & 1u) << 4);
}

// ggml_vec_dot_q5_1_q8_1, AVX2 path: acc = fmadd(lane sums, d·dy, acc); summs += m·s (contracted to an
// fma by the compiler); result hsum_float_8(acc) + summs.
float x86_order_dot(const std::vector<BlockQ5_1>& w, const std::vector<BlockQ8_1>& a) {
    float acc[8] = {};
    float summs = 0.0f;
    for (size_t i = 0; i < w.size(); ++i) {
        summs = std::fma(fp16_to_fp32(w[i].m), fp16_to_fp32(a[i].s), summs);
        const float dd = fp16_to_fp32(w[i].d) * fp16_to_fp32(a[i].d);
        for (int lane = 0; lane < 8; ++lane) {
            int sum = 0;
            for (int j = 4 * lane; j < 4 * lane + 4; ++j) sum += code_of(w[i], j) * a[i].qs[j];
            acc[lane] = std::fma(static_cast<float>(sum), dd, acc[lane]);
        }
    }
    float half[4];
    for (int k = 0; k < 4; ++k) half[k] = acc[k + 4] + acc[k];
    const float pair0 = half[0] + half[2], pair1 = half[1] + half[3];
    return (pair0 + pair1) + summs;
}

}  // namespace

class TestQuantQ5_1 : public QObject {
    Q_OBJECT
private slots:
    void stepZeroLogitsMatchLlamaCpp();
    void dotFollowsX86FloatOrder();
};

void TestQuantQ5_1::stepZeroLogitsMatchLlamaCpp() {
    const std::string model_path = kQuantDir + "synth-q-Q5_1.gguf";
    const std::string ref_path = kQuantDir + "reference/synth-q-Q5_1.once.json";
    const mini_json::Value ref = mini_json::parse_file(ref_path);
    auto model = Model::load(model_path);
    const std::vector<int32_t> prompt = ref["prompt_tokens"].as_ints();
    SessionOptions so;
    so.kv_type = KvType::F32;
    so.n_ctx = 64;
    Session session(model, so);
    const std::span<const float> logits = session.decode(prompt);
    const mini_json::Value& expected = ref["first_step_logits"];
    QCOMPARE(logits.size(), expected.size());
    double worst = 0.0;
    size_t worst_at = 0;
    for (size_t i = 0; i < logits.size(); ++i) {
        const double d = std::abs(static_cast<double>(logits[i]) - expected[i].number);
        if (d > worst) {
            worst = d;
            worst_at = i;
        }
    }
    QVERIFY2(worst <= 1e-4, ("step-0 logit " + std::to_string(worst_at) + " off by " + std::to_string(worst)).c_str());
}

void TestQuantQ5_1::dotFollowsX86FloatOrder() {
    const QuantFormat* q5 = quant_format(TensorType::Q5_1);
    const QuantFormat* q8 = quant_format(TensorType::Q8_1);
    QVERIFY(q5 != nullptr && q8 != nullptr && q8->quantize_activations != nullptr);
    constexpr int kN = 512;  // 16 blocks, the longest row of the synthetic model
    std::mt19937 rng(51);
    std::normal_distribution<float> weight(0.0f, 0.05f), activation(0.0f, 1.0f);
    std::vector<float> wf(kN), xf(kN);
    std::vector<BlockQ5_1> w(kN / 32);
    std::vector<BlockQ8_1> a(kN / 32);
    int differs_from_sequential = 0;
    for (int row = 0; row < 300; ++row) {
        for (float& v : wf) v = weight(rng);
        for (float& v : xf) v = activation(rng);
        q5->quantize_row(wf.data(), w.data(), kN);
        q8->quantize_activations(xf.data(), a.data(), kN);
        const float got = q5->vec_dot(w.data(), a.data(), kN);
        const float want = x86_order_dot(w, a);
        QVERIFY2(std::memcmp(&got, &want, sizeof got) == 0,
                 ("row " + std::to_string(row) + ": " + std::to_string(got) + " vs " + std::to_string(want)).c_str());
        // The data must be able to tell float orders apart, or the comparison above proves nothing.
        float sequential = 0.0f;
        for (size_t i = 0; i < w.size(); ++i) {
            int sum = 0;
            for (int j = 0; j < 32; ++j) sum += code_of(w[i], j) * a[i].qs[j];
            sequential += (fp16_to_fp32(w[i].d) * fp16_to_fp32(a[i].d)) * static_cast<float>(sum) +
                          fp16_to_fp32(w[i].m) * fp16_to_fp32(a[i].s);
        }
        differs_from_sequential += sequential != want;
    }
    QVERIFY2(differs_from_sequential > 0, "no row where the float order matters");
}

CHORD_TEST_MAIN(TestQuantQ5_1, stepZeroLogitsMatchLlamaCpp, dotFollowsX86FloatOrder)
#ifndef CHORD_TEST_NO_QT
#include "test_quant_q5_1.moc"
#endif
