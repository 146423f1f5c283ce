// The parts the architectures beyond llama add, each against an independent scalar reference (double
// precision formulas) or against what llama.cpp's loader printed for the arch zoo files
// (../shared/models/arch/README.md): GELU through ggml's fp16 table, LayerNorm, soft-capping, RoPE with
// frequency factors, and the hyperparameters read per architecture (sliding-window layers, RoPE per
// layer, query scaling, head size).
#include <cmath>
#include <filesystem>
#include <numbers>
#include <string>
#include <vector>

#include "chord/gguf.h"
#include "chord_test.h"
#include "model/arch_ops.h"
#include "model/hparams.h"
#include "quant/fp16.h"

namespace {

double gelu_tanh(double x) { return 0.5 * x * (1.0 + std::tanh(std::sqrt(2.0 / std::numbers::pi) * (x + 0.044715 * x * x * x))); }

std::vector<float> sample_values(int n, float lo, float hi) {
    std::vector<float> v(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) v[static_cast<size_t>(i)] = lo + (hi - lo) * static_cast<float>(i) / static_cast<float>(n - 1);
    return v;
}

chord::HyperParams hparams_of(const std::string& arch) {
    const std::string path = std::string(CHORD_SHARED_DIR) + "/models/arch/" + arch + ".gguf";
    return chord::HyperParams::from_gguf(*chord::GgufFile::open(path));
}

bool near(double a, double b, double tol) { return std::abs(a - b) <= tol; }

}  // namespace

class TestArchitectureOps : public QObject {
    Q_OBJECT
private slots:
    void geluUsesFp16Table() {
        for (float x : sample_values(4001, -12.0f, 12.0f)) {
            const float g = chord::gelu(x);
            if (x <= -10.0f) {
                QCOMPARE(g, 0.0f);
            } else if (x >= 10.0f) {
                QCOMPARE(g, x);
            } else {
                // Input and output rounded to fp16 (11-bit significand): within ~2^-10 relative of the formula.
                QVERIFY2(near(g, gelu_tanh(x), 1.2e-3 * std::abs(x) + 1e-7), std::to_string(x).c_str());
                QCOMPARE(chord::fp16_to_fp32(chord::fp32_to_fp16(g)), g);  // a table entry is an fp16 value
            }
        }
        // Inputs that round to the same fp16 value share one output.
        QCOMPARE(chord::gelu(1.0f), chord::gelu(1.0f + 1e-4f));
        // The one entry where ggml's table (built with a fused multiply-add in 1 + 0.044715·x², read from
        // llama.cpp's zen4 CPU backend through a GGML_OP_GELU on every fp16 input) differs from the plain
        // float formula: fp16 0xbfff.
        QCOMPARE(chord::gelu(-1.99902344f), -0.045501709f);
    }

    void layerNormMatchesDouble() {
        const int n = 37;
        std::vector<float> x(n), w(n), b(n), out(n);
        for (int i = 0; i < n; ++i) {
            x[static_cast<size_t>(i)] = 3.0f + std::sin(0.7f * static_cast<float>(i)) * 2.0f;
            w[static_cast<size_t>(i)] = 1.0f + 0.01f * static_cast<float>(i);
            b[static_cast<size_t>(i)] = -0.05f * static_cast<float>(i % 5);
        }
        chord::layer_norm(x.data(), w.data(), b.data(), out.data(), n, 1e-5f);
        double mean = 0.0, var = 0.0;
        for (float v : x) mean += v;
        mean /= n;
        for (float v : x) var += (v - mean) * (v - mean);
        var /= n;
        for (int i = 0; i < n; ++i) {
            const size_t k = static_cast<size_t>(i);
            const double want = (x[k] - mean) / std::sqrt(var + 1e-5) * w[k] + b[k];
            QVERIFY2(near(out[k], want, 1e-5), std::to_string(i).c_str());
        }
    }

    void softCapMatchesDouble() {
        for (float cap : {2.0f, 30.0f, 50.0f}) {
            std::vector<float> x = sample_values(101, -200.0f, 200.0f);
            const std::vector<float> in = x;
            chord::soft_cap(x.data(), static_cast<int64_t>(x.size()), cap);
            for (size_t i = 0; i < x.size(); ++i)
                QVERIFY(near(x[i], cap * std::tanh(static_cast<double>(in[i]) / cap), 1e-5 * cap));
        }
    }

    void ropeFactorsDivideTheAngles() {
        const int head_dim = 16, n_rot = 16, n_heads = 2, pos = 37;
        const float base = 500000.0f, scale = 0.5f;
        std::vector<float> factors(n_rot / 2);
        for (int i = 0; i < n_rot / 2; ++i) factors[static_cast<size_t>(i)] = 1.0f + static_cast<float>(i);
        for (auto style : {chord::RopeStyle::Normal, chord::RopeStyle::Neox}) {
            std::vector<float> x(static_cast<size_t>(head_dim * n_heads));
            for (size_t i = 0; i < x.size(); ++i) x[i] = std::cos(0.3f * static_cast<float>(i));
            const std::vector<float> in = x;
            chord::rope_with_factors(x.data(), n_heads, head_dim, n_rot, pos, base, scale, style, factors.data());
            for (int h = 0; h < n_heads; ++h)
                for (int i = 0; i < n_rot / 2; ++i) {
                    const double theta = pos * scale * std::pow(base, -2.0 * i / n_rot) / factors[static_cast<size_t>(i)];
                    const int a = h * head_dim + (style == chord::RopeStyle::Normal ? 2 * i : i);
                    const int b = h * head_dim + (style == chord::RopeStyle::Normal ? 2 * i + 1 : i + n_rot / 2);
                    const double x0 = in[static_cast<size_t>(a)], x1 = in[static_cast<size_t>(b)];
                    QVERIFY(near(x[static_cast<size_t>(a)], x0 * std::cos(theta) - x1 * std::sin(theta), 1e-5));
                    QVERIFY(near(x[static_cast<size_t>(b)], x0 * std::sin(theta) + x1 * std::cos(theta), 1e-5));
                }
        }
    }

    // What llama.cpp's loader printed for each arch zoo file (../shared/models/arch/README.md).
    void hyperparametersFollowLlamaCpp() {
        if (!std::filesystem::exists(std::string(CHORD_SHARED_DIR) + "/models/arch/gemma3.gguf"))
            QSKIP("arch models not found (set CHORD_SHARED_DIR)");
        const chord::HyperParams g3 = hparams_of("gemma3");
        QCOMPARE(g3.n_layer, 6);
        QCOMPARE(g3.head_dim, 48);
        QCOMPARE(g3.n_head_kv, 1);
        for (int l = 0; l < 5; ++l) {
            QVERIFY(g3.is_local_layer(l));
            QCOMPARE(g3.attention_window(l), 8);
            QCOMPARE(g3.rope_for_layer(l).freq_base, 10000.0f);
            QCOMPARE(g3.rope_for_layer(l).freq_scale, 1.0f);
        }
        QVERIFY(!g3.is_local_layer(5));
        QCOMPARE(g3.attention_window(5), 0);
        QCOMPARE(g3.rope_for_layer(5).freq_base, 1e6f);
        QCOMPARE(g3.rope_for_layer(5).freq_scale, 0.125f);
        QCOMPARE(g3.q_scale, 1.0f / std::sqrt(48.0f));
        QCOMPARE(g3.attn_softcap, 0.0f);
        QCOMPARE(g3.final_softcap, 0.0f);

        const chord::HyperParams g2 = hparams_of("gemma2");
        QVERIFY(g2.is_local_layer(0));
        QVERIFY(!g2.is_local_layer(1));
        QCOMPARE(g2.attention_window(0), 8);
        QCOMPARE(g2.attn_softcap, 2.0f);
        QCOMPARE(g2.final_softcap, 3.0f);
        QCOMPARE(g2.rope_for_layer(0).freq_base, 10000.0f);
        QCOMPARE(g2.q_scale, 0.125f);  // 1/sqrt(key_length 64)

        const chord::HyperParams q3 = hparams_of("qwen3");
        QCOMPARE(q3.head_dim, 64);
        QCOMPARE(q3.q_dim(), 256);
        QVERIFY(q3.qk_norm);
        QVERIFY(q3.rope_style == chord::RopeStyle::Neox);
        QCOMPARE(q3.norm_eps, 1e-6f);

        QVERIFY(hparams_of("llama").rope_style == chord::RopeStyle::Normal);
        QCOMPARE(hparams_of("phi3").q_scale, 1.0f / std::sqrt(32.0f));
        QCOMPARE(hparams_of("phi3").n_rot, 32);
        for (const char* arch : {"llama", "qwen2", "phi3", "starcoder2"}) {
            QVERIFY(!hparams_of(arch).is_local_layer(0));  // sliding_window is not used by these
        }
        const chord::HyperParams gpt2 = hparams_of("gpt2");
        QCOMPARE(gpt2.n_rot, 0);
        QVERIFY(gpt2.learned_positions);
        QVERIFY(gpt2.norm == chord::NormKind::Layer);
        QVERIFY(gpt2.ffn == chord::FfnKind::Gelu);
        QCOMPARE(hparams_of("starcoder2").rope_freq_base, 100000.0f);
    }
};

CHORD_TEST_MAIN(TestArchitectureOps, geluUsesFp16Table, layerNormMatchesDouble, softCapMatchesDouble,
                ropeFactorsDivideTheAngles, hyperparametersFollowLlamaCpp)
#ifndef CHORD_TEST_NO_QT
#include "test_architectures_ops.moc"
#endif
