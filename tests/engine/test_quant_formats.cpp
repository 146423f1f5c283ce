// Every ggml block format against llama.cpp's own data (shared/models/quant):
//  * dequantizing a tensor equals ggml's dump (dequant/*.bin) bit for bit;
//  * quantizing the F32 source gives the same bytes as llama-quantize, for every tensor of every file;
//  * each vec_dot equals a double-precision dot of the dequantized operands (ggml's integer sums are
//    exact, so only float rounding of the per-block scales separates them).
#include <bit>
#include <cmath>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "chord/gguf.h"
#include "chord_test.h"
#include "quant/quant.h"

using namespace chord;

namespace {

const std::string kQuantDir = std::string(CHORD_SHARED_DIR) + "/models/quant/";

std::vector<float> read_f32_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) return {};
    const auto size = static_cast<size_t>(in.tellg());
    std::vector<float> v(size / 4);
    in.seekg(0);
    in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(v.size() * 4));
    return v;
}

const GgufTensor& tensor_or_fail(const GgufFile& f, const std::string& name) {
    const GgufTensor* t = f.tensor(name);
    if (!t) throw std::runtime_error(f.path() + ": no tensor " + name);
    return *t;
}

// Converts an activation row the way llama.cpp's matmul does for a weight of type `weight`.
std::vector<uint8_t> convert_activations(const QuantFormat& weight, const std::vector<float>& x) {
    const QuantFormat* act = quant_format(weight.vec_dot_type);
    std::vector<uint8_t> out(row_bytes(weight.vec_dot_type, static_cast<int64_t>(x.size())));
    auto convert = act->quantize_activations ? act->quantize_activations : act->quantize_row;
    convert(x.data(), out.data(), static_cast<int64_t>(x.size()));
    return out;
}

}  // namespace

class TestQuantFormats : public QObject {
    Q_OBJECT
private slots:
    void dequantizeMatchesGgmlDumps();
    void quantizeMatchesLlamaQuantize();
    void vecDotMatchesDequantizedDot();
    void q8kActivationRounding();
    void q8_1SumUsesUnroundedScale();
};

void TestQuantFormats::dequantizeMatchesGgmlDumps() {
    struct Dump {
        const char* file_stem;  // synth-q-<stem>.gguf
        const char* tensor;
        const char* dump;       // dequant/<dump>
    };
    const Dump dumps[] = {
        {"Q4_0", "blk.0.ffn_down.weight", "synth-q-Q4_0.blk.0.ffn_down.weight.f32.bin"},
        {"Q8_0", "blk.0.ffn_down.weight", "synth-q-Q8_0.blk.0.ffn_down.weight.f32.bin"},
        {"Q4_K_M", "blk.0.ffn_down.weight", "synth-q-Q4_K_M.blk.0.ffn_down.weight.f32.bin"},
        {"Q6_K", "blk.0.ffn_down.weight", "synth-q-Q6_K.blk.0.ffn_down.weight.f32.bin"},
        {"F16", "blk.0.ffn_down.weight", "synth-q-F16.blk.0.ffn_down.weight.rows0-7.f32.bin"},
        {"BF16", "blk.0.ffn_down.weight", "synth-q-BF16.blk.0.ffn_down.weight.rows0-7.f32.bin"},
        {"Q4_1", "blk.0.ffn_down.weight", "synth-q-Q4_1.blk.0.ffn_down.weight.rows0-7.f32.bin"},
        {"Q5_0", "blk.0.ffn_down.weight", "synth-q-Q5_0.blk.0.ffn_down.weight.rows0-7.f32.bin"},
        {"Q5_1", "blk.0.ffn_down.weight", "synth-q-Q5_1.blk.0.ffn_down.weight.rows0-7.f32.bin"},
        {"Q5_K_M", "blk.0.ffn_down.weight", "synth-q-Q5_K_M.blk.0.ffn_down.weight.rows0-7.f32.bin"},
        {"IQ4_NL", "blk.0.ffn_down.weight", "synth-q-IQ4_NL.blk.0.ffn_down.weight.rows0-7.f32.bin"},
        {"IQ4_XS", "blk.0.ffn_down.weight", "synth-q-IQ4_XS.blk.0.ffn_down.weight.rows0-7.f32.bin"},
        {"Q2_K", "blk.0.ffn_gate.weight", "synth-q-Q2_K.blk.0.ffn_gate.weight.rows0-7.f32.bin"},
        {"Q3_K_M", "blk.0.ffn_gate.weight", "synth-q-Q3_K_M.blk.0.ffn_gate.weight.rows0-7.f32.bin"},
    };
    for (const Dump& d : dumps) {
        const std::vector<float> expected = read_f32_file(kQuantDir + "dequant/" + d.dump);
        if (expected.empty()) QSKIP("shared/models/quant/dequant is missing");
        auto file = GgufFile::open(kQuantDir + "synth-q-" + d.file_stem + ".gguf");
        const GgufTensor& t = tensor_or_fail(*file, d.tensor);
        const QuantFormat* f = quant_format(t.type);
        QVERIFY2(f != nullptr, (std::string("no format for ") + std::string(tensor_type_name(t.type))).c_str());
        const int64_t rows = static_cast<int64_t>(expected.size()) / t.ne[0];
        std::vector<float> got(expected.size());
        const size_t stride = row_bytes(t.type, t.ne[0]);
        for (int64_t r = 0; r < rows; ++r)
            f->dequantize_row(t.data + static_cast<size_t>(r) * stride, got.data() + r * t.ne[0], t.ne[0]);
        for (size_t i = 0; i < expected.size(); ++i) {
            if (std::bit_cast<uint32_t>(got[i]) != std::bit_cast<uint32_t>(expected[i])) {
                const std::string msg = std::string(d.dump) + ": element " + std::to_string(i) + " is " +
                                        std::to_string(got[i]) + ", ggml gives " + std::to_string(expected[i]);
                QFAIL(msg.c_str());
            }
        }
    }
}

void TestQuantFormats::quantizeMatchesLlamaQuantize() {
    const char* stems[] = {"F16",  "BF16",   "Q8_0",   "Q4_0",   "Q4_1",   "Q5_0", "Q5_1",   "Q2_K",
                           "Q3_K_M", "Q4_K_S", "Q4_K_M", "Q5_K_M", "Q6_K", "IQ4_NL", "IQ4_XS"};
    auto source = GgufFile::open(kQuantDir + "synth-q-F32.gguf");
    int compared = 0;
    for (const char* stem : stems) {
        auto file = GgufFile::open(kQuantDir + "synth-q-" + stem + ".gguf");
        for (const GgufTensor& t : file->tensors()) {
            if (t.type == TensorType::F32) continue;
            const GgufTensor& src = tensor_or_fail(*source, t.name);
            QCOMPARE(src.type, TensorType::F32);
            const QuantFormat* f = quant_format(t.type);
            QVERIFY2(f && f->quantize_row, (t.name + ": no quantizer").c_str());
            std::vector<uint8_t> got(t.nbytes);
            const size_t stride = row_bytes(t.type, t.ne[0]);
            const float* x = reinterpret_cast<const float*>(src.data);
            for (int64_t r = 0; r < t.n_rows(); ++r)
                f->quantize_row(x + r * t.ne[0], got.data() + static_cast<size_t>(r) * stride, t.ne[0]);
            if (std::memcmp(got.data(), t.data, t.nbytes) != 0) {
                size_t first = 0;
                while (got[first] == t.data[first]) ++first;
                const std::string msg = std::string(stem) + " " + t.name + " (" +
                                        std::string(tensor_type_name(t.type)) + "): first differing byte " +
                                        std::to_string(first) + " (row " + std::to_string(first / stride) + ")";
                QFAIL(msg.c_str());
            }
            ++compared;
        }
    }
    QVERIFY(compared > 200);
}

void TestQuantFormats::vecDotMatchesDequantizedDot() {
    const TensorType weights[] = {TensorType::F32,  TensorType::F16,  TensorType::BF16, TensorType::Q8_0,
                                  TensorType::Q4_0, TensorType::Q4_1, TensorType::Q5_0, TensorType::Q5_1,
                                  TensorType::Q2_K, TensorType::Q3_K, TensorType::Q4_K, TensorType::Q5_K,
                                  TensorType::Q6_K, TensorType::IQ4_NL, TensorType::IQ4_XS};
    std::mt19937 rng(42);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    for (int n : {256, 1024, 2560}) {
        for (int trial = 0; trial < 4; ++trial) {
            std::vector<float> w(static_cast<size_t>(n)), x(static_cast<size_t>(n));
            for (float& v : w) v = 0.05f * normal(rng) + (trial == 3 ? 0.02f : 0.0f);  // trial 3: offset weights
            for (float& v : x) v = normal(rng);
            for (TensorType type : weights) {
                const QuantFormat* f = quant_format(type);
                QVERIFY2(f != nullptr, std::string(tensor_type_name(type)).c_str());
                std::vector<uint8_t> wq(row_bytes(type, n));
                f->quantize_row(w.data(), wq.data(), n);
                const std::vector<uint8_t> xq = convert_activations(*f, x);

                std::vector<float> wd(static_cast<size_t>(n)), xd(static_cast<size_t>(n));
                f->dequantize_row(wq.data(), wd.data(), n);
                quant_format(f->vec_dot_type)->dequantize_row(xq.data(), xd.data(), n);
                double expected = 0.0, magnitude = 0.0;
                for (int i = 0; i < n; ++i) {
                    expected += static_cast<double>(wd[i]) * static_cast<double>(xd[i]);
                    magnitude += std::fabs(static_cast<double>(wd[i]) * static_cast<double>(xd[i]));
                }
                const double got = f->vec_dot(wq.data(), xq.data(), n);
                // Q4_1/Q5_1 fold the minimum through s = fp16(d·Σq): allow fp16's relative step on it.
                const bool fp16_sum = type == TensorType::Q4_1 || type == TensorType::Q5_1;
                const double tol = (fp16_sum ? 2e-3 : 2e-5) * magnitude + 1e-6;
                if (std::fabs(got - expected) > tol) {
                    const std::string msg = std::string(tensor_type_name(type)) + " n=" + std::to_string(n) +
                                            ": vec_dot " + std::to_string(got) + ", dequantized dot " +
                                            std::to_string(expected);
                    QFAIL(msg.c_str());
                }
            }
        }
    }
}

// The README's rule, worked by hand: the value of largest magnitude (here −2) maps to −127, so
// iscale = 63.5, d = 1/63.5, and q = round-half-even(63.5·x) capped at 127.
void TestQuantFormats::q8kActivationRounding() {
    std::vector<float> x(256, 0.0f);
    x[0] = 1.0f;    // 63.5 → 64 (tie, to even)
    x[1] = -2.0f;   // → −127
    x[2] = 0.5f;    // 31.75 → 32
    x[17] = 1.5f / 63.5f;  // 1.5 → 2 (tie, to even)
    x[18] = 2.5f / 63.5f;  // 2.5 → 2 (tie, to even)
    const QuantFormat* f = quant_format(TensorType::Q8_K);
    QVERIFY(f != nullptr);
    std::vector<uint8_t> q(row_bytes(TensorType::Q8_K, 256));
    (f->quantize_activations ? f->quantize_activations : f->quantize_row)(x.data(), q.data(), 256);
    float d;
    std::memcpy(&d, q.data(), 4);
    QCOMPARE(d, 1.0f / 63.5f);
    const int8_t* qs = reinterpret_cast<const int8_t*>(q.data() + 4);
    QCOMPARE(int(qs[0]), 64);
    QCOMPARE(int(qs[1]), -127);
    QCOMPARE(int(qs[2]), 32);
    QCOMPARE(int(qs[17]), 2);
    QCOMPARE(int(qs[18]), 2);
    int16_t bsums[16];
    std::memcpy(bsums, q.data() + 4 + 256, sizeof bsums);
    QCOMPARE(int(bsums[0]), 64 - 127 + 32);
    QCOMPARE(int(bsums[1]), 4);
}

// Q8_1's s is fp16(d·Σq) with d in f32, not fp16(d)·Σq. All 32 values 12.7 give d = 0.1f, q = 127,
// Σq = 4064: d·Σq = 406.4 rounds to fp16 406.5, while fp16(0.1)·4064 = 406.30 would round to 406.25.
void TestQuantFormats::q8_1SumUsesUnroundedScale() {
    std::vector<float> x(32, 12.7f);
    const QuantFormat* f = quant_format(TensorType::Q8_1);
    QVERIFY(f != nullptr);
    for (auto convert : {f->quantize_row, f->quantize_activations}) {
        QVERIFY(convert != nullptr);
        std::vector<uint8_t> q(row_bytes(TensorType::Q8_1, 32));
        convert(x.data(), q.data(), 32);
        QCOMPARE(int(reinterpret_cast<const int8_t*>(q.data() + 4)[5]), 127);
        float s = 0.0f;
        quant_format(TensorType::F16)->dequantize_row(q.data() + 2, &s, 1);
        QCOMPARE(s, 406.5f);
    }
}

CHORD_TEST_MAIN(TestQuantFormats, dequantizeMatchesGgmlDumps, quantizeMatchesLlamaQuantize,
                vecDotMatchesDequantizedDot, q8kActivationRounding, q8_1SumUsesUnroundedScale)
#ifndef CHORD_TEST_NO_QT
#include "test_quant_formats.moc"
#endif
