// Synthetic models (chord/synthetic_model.h, written by chord-mkmodel): deterministic bytes, the documented
// generator, encodings equal to encoding the F32 file's rows, make_model.py's vocabulary, and a file the
// engine loads and generates from. Also GgufStreamWriter against GgufWriter.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include <unistd.h>

#include "chord/error.h"
#include "chord/generator.h"
#include "chord/gguf.h"
#include "chord/model.h"
#include "chord/session.h"
#include "chord/synthetic_model.h"
#include "chord_test.h"
#include "quant/quant.h"

using namespace chord;

namespace {

std::string temp_path(const std::string& name) {
    return "/tmp/chord-test-mkmodel-" + std::to_string(::getpid()) + "-" + name;
}

std::vector<uint8_t> read_bytes(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

SyntheticModelSpec micro(TensorType type, uint64_t seed = 7) {
    SyntheticModelSpec s = *synthetic_preset("micro");
    s.weight_type = type;
    s.seed = seed;
    return s;
}

// The generator exactly as the header documents it, written out again here from the documentation.
float documented_weight(uint64_t seed, float stddev, uint64_t t, uint64_t r, uint64_t i) {
    auto mix = [](uint64_t z) {
        z ^= z >> 30;
        z *= 0xBF58476D1CE4E5B9ull;
        z ^= z >> 27;
        z *= 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    };
    const uint64_t key = mix(mix(mix(seed) ^ (t + 1)) ^ (r + 1));
    const uint64_t u = mix(key + (i + 1) * 0x9E3779B97F4A7C15ull);
    const double sum = double(u & 0xFFFF) + double((u >> 16) & 0xFFFF) + double((u >> 32) & 0xFFFF) + double(u >> 48);
    const float scale = float(double(stddev) / std::sqrt(4.0 * (65536.0 * 65536.0 - 1.0) / 12.0));
    return float(sum - 131070.0) * scale;
}

struct TempFile {
    std::string path;
    explicit TempFile(const std::string& name) : path(temp_path(name)) {}
    ~TempFile() { std::remove(path.c_str()); }
};

}  // namespace

class TestMkModel : public QObject {
    Q_OBJECT
private slots:
    void sameSeedSameBytes();
    void differentSeedDifferentWeights();
    void weightsFollowTheDocumentedGenerator();
    void quantizedFilesEncodeTheF32Weights();
    void vocabularyIsMakeModelPys();
    void tinyLlamaPresetShape();
    void engineLoadsAndGenerates();
    void rejectsInconsistentShapes();
    void streamWriterMatchesGgufWriter();
    void streamWriterChecksTheByteCount();
};

void TestMkModel::sameSeedSameBytes() {
    TempFile a("a.gguf"), b("b.gguf");
    write_synthetic_model(micro(TensorType::Q4_0), a.path, 1);
    write_synthetic_model(micro(TensorType::Q4_0), b.path, 3);  // thread count must not matter
    const auto x = read_bytes(a.path), y = read_bytes(b.path);
    QVERIFY(!x.empty());
    QVERIFY2(x == y, "two files from the same spec and seed differ");
}

void TestMkModel::differentSeedDifferentWeights() {
    TempFile a("s1.gguf"), b("s2.gguf");
    write_synthetic_model(micro(TensorType::F32, 1), a.path);
    write_synthetic_model(micro(TensorType::F32, 2), b.path);
    auto fa = GgufFile::open(a.path), fb = GgufFile::open(b.path);
    const GgufTensor* ta = fa->tensor("blk.0.attn_q.weight");
    const GgufTensor* tb = fb->tensor("blk.0.attn_q.weight");
    QVERIFY(ta && tb);
    QVERIFY(std::memcmp(ta->data, tb->data, ta->nbytes) != 0);
    QCOMPARE(fa->get_uint("chord.synthetic.seed").value_or(0), uint64_t{1});
}

void TestMkModel::weightsFollowTheDocumentedGenerator() {
    const SyntheticModelSpec spec = micro(TensorType::F32, 99);
    TempFile f("doc.gguf");
    write_synthetic_model(spec, f.path);
    auto file = GgufFile::open(f.path);
    double sum = 0, sum2 = 0;
    size_t n = 0;
    for (size_t t = 0; t < file->tensors().size(); ++t) {
        const GgufTensor& info = file->tensors()[t];
        const auto* w = reinterpret_cast<const float*>(info.data);
        for (int64_t r = 0; r < info.n_rows(); r += 7)
            for (int64_t i = 0; i < info.ne[0]; i += 5) {
                const float got = w[r * info.ne[0] + i];
                const float want = info.n_dims == 1 ? 1.0f
                                                    : documented_weight(spec.seed, spec.stddev, t, uint64_t(r), uint64_t(i));
                if (got != want)
                    QFAIL(("tensor " + info.name + " row " + std::to_string(r) + " col " + std::to_string(i) + ": " +
                           std::to_string(got) + " != " + std::to_string(want)).c_str());
                if (info.n_dims > 1) {
                    sum += got;
                    sum2 += double(got) * got;
                    ++n;
                }
            }
    }
    // Irwin–Hall(4) scaled to the requested deviation: mean 0, stddev 0.02, within ±3.47 sigma.
    const double mean = sum / double(n), sd = std::sqrt(sum2 / double(n) - mean * mean);
    QVERIFY2(std::fabs(mean) < 0.001, std::to_string(mean).c_str());
    QVERIFY2(std::fabs(sd - 0.02) < 0.001, std::to_string(sd).c_str());
}

void TestMkModel::quantizedFilesEncodeTheF32Weights() {
    TempFile f32("f32.gguf");
    write_synthetic_model(micro(TensorType::F32), f32.path);
    auto src = GgufFile::open(f32.path);
    for (TensorType type : {TensorType::Q4_0, TensorType::Q8_0, TensorType::F16, TensorType::BF16}) {
        TempFile q("q.gguf");
        write_synthetic_model(micro(type), q.path);
        auto file = GgufFile::open(q.path);
        QCOMPARE(file->tensors().size(), src->tensors().size());
        for (size_t t = 0; t < src->tensors().size(); ++t) {
            const GgufTensor& s = src->tensors()[t];
            const GgufTensor& got = file->tensors()[t];
            QCOMPARE(got.name, s.name);
            const TensorType want_type = s.n_dims == 1 ? TensorType::F32 : type;
            QVERIFY2(got.type == want_type, got.name.c_str());
            std::vector<uint8_t> want(got.nbytes);
            const size_t rb = row_bytes(want_type, s.ne[0]);
            for (int64_t r = 0; r < s.n_rows(); ++r)
                quantize_row(want_type, reinterpret_cast<const float*>(s.data) + r * s.ne[0], want.data() + size_t(r) * rb,
                             s.ne[0]);
            QVERIFY2(std::memcmp(want.data(), got.data, got.nbytes) == 0,
                     (std::string(tensor_type_name(type)) + " " + got.name + ": bytes differ from encoding the F32 rows").c_str());
        }
    }
}

void TestMkModel::vocabularyIsMakeModelPys() {
    // make_model.py's make_vocab: <unk> <s> </s>, 256 byte tokens, "▁", then "▁!" "!" "▁\"" "\"" …, then n-grams.
    const SyntheticVocab v = synthetic_vocab(32000);
    QCOMPARE(v.tokens.size(), size_t{32000});
    QCOMPARE(v.tokens[0], std::string("<unk>"));
    QCOMPARE(v.tokens[1], std::string("<s>"));
    QCOMPARE(v.tokens[2], std::string("</s>"));
    QCOMPARE(v.tokens[3], std::string("<0x00>"));
    QCOMPARE(v.tokens[258], std::string("<0xFF>"));
    QCOMPARE(v.tokens[259], std::string("\xE2\x96\x81"));
    QCOMPARE(v.tokens[260], std::string("\xE2\x96\x81!"));
    QCOMPARE(v.tokens[261], std::string("!"));
    // 1 + 2·94 single-character pieces, then "▁aa" "aa" "▁ab" …
    QCOMPARE(v.tokens[259 + 189], std::string("\xE2\x96\x81" "aa"));
    QCOMPARE(v.tokens[259 + 190], std::string("aa"));
    QCOMPARE(v.token_types[0], 2);
    QCOMPARE(v.token_types[1], 3);
    QCOMPARE(v.token_types[3], 6);
    QCOMPARE(v.token_types[259], 1);
    QCOMPARE(v.scores[259], 0.0f);
    QCOMPARE(v.scores[300], -41.0f);
    std::set<std::string> unique(v.tokens.begin(), v.tokens.end());
    QCOMPARE(unique.size(), v.tokens.size());
    QVERIFY_THROWS_EXCEPTION(Error, synthetic_vocab(259));
}

void TestMkModel::tinyLlamaPresetShape() {
    const auto s = synthetic_preset("tinyllama-1.1b");
    QVERIFY(s.has_value());
    QCOMPARE(s->n_layer, 22);
    QCOMPARE(s->n_embd, 2048);
    QCOMPARE(s->n_ff, 5632);
    QCOMPARE(s->n_head, 32);
    QCOMPARE(s->n_head_kv, 4);
    QCOMPARE(s->n_vocab, 32000);
    const auto plan = synthetic_tensor_plan(*s);
    QCOMPARE(plan.size(), size_t{2 + 22 * 9 + 1});
    uint64_t params = 0;
    for (const auto& t : plan) {
        uint64_t n = 1;
        for (int64_t d : t.ne) n *= uint64_t(d);
        params += n;
    }
    QCOMPARE(params, uint64_t{1100048384});  // TinyLlama-1.1B's parameter count
    QVERIFY(!synthetic_preset("no-such-preset").has_value());
}

void TestMkModel::engineLoadsAndGenerates() {
    TempFile f("gen.gguf");
    SyntheticModelSpec spec = micro(TensorType::Q8_0);
    spec.stddev = 0.2f;  // larger weights: logits that differ between tokens
    write_synthetic_model(spec, f.path);
    auto model = Model::load(f.path);
    QCOMPARE(model->info().n_layer, 2);
    QCOMPARE(model->info().n_vocab, 512);
    QCOMPARE(model->info().architecture, std::string("llama"));
    const auto ids = model->tokenizer().encode("hello world", true, false);
    QVERIFY(ids.size() >= 2);
    QCOMPARE(ids[0], TokenId{1});
    SessionOptions so;
    so.n_threads = 1;
    so.kv_type = KvType::F32;
    Session session(model, so);
    Generator gen(session);
    GenerationParams params;
    params.max_tokens = 8;
    params.stop_at_eog = false;
    params.sampling.temperature = 0.0f;
    const GenerationResult r = gen.generate(ids, params);
    QCOMPARE(r.tokens.size(), size_t{8});
    for (TokenId t : r.tokens) QVERIFY(t >= 0 && t < 512);
    for (float x : session.logits()) QVERIFY(std::isfinite(x));
}

void TestMkModel::rejectsInconsistentShapes() {
    SyntheticModelSpec s = micro(TensorType::Q4_0);
    s.n_head = 3;  // 64 is not a multiple of 3
    QVERIFY_THROWS_EXCEPTION(Error, s.validate());
    s = micro(TensorType::Q4_K);  // dim 64 is not a multiple of Q4_K's 256
    QVERIFY_THROWS_EXCEPTION(Error, write_synthetic_model(s, temp_path("bad.gguf")));
    std::FILE* leftover = std::fopen((temp_path("bad.gguf") + ".tmp").c_str(), "rb");
    QVERIFY(leftover == nullptr);
}

void TestMkModel::streamWriterMatchesGgufWriter() {
    // Odd sizes so padding between tensors is exercised; alignment 64 to leave the default.
    GgufWriter mem;
    GgufStreamWriter disk;
    mem.set_alignment(64);
    disk.set_alignment(64);
    mem.set_string("general.architecture", "llama");
    disk.set_string("general.architecture", "llama");
    mem.set_u32("x.u32", 7);
    disk.set_u32("x.u32", 7);
    mem.set_i32("x.i32", -3);
    disk.set_i32("x.i32", -3);
    mem.set_u64("x.u64", 1ull << 40);
    disk.set_u64("x.u64", 1ull << 40);
    mem.set_f32("x.f32", 0.25f);
    disk.set_f32("x.f32", 0.25f);
    mem.set_bool("x.bool", true);
    disk.set_bool("x.bool", true);
    mem.set_string_array("x.strs", {"a", "", "ccc"});
    disk.set_string_array("x.strs", {"a", "", "ccc"});
    mem.set_f32_array("x.f32s", {1.5f, -2.0f});
    disk.set_f32_array("x.f32s", {1.5f, -2.0f});
    mem.set_i32_array("x.i32s", {1, -1, 5});
    disk.set_i32_array("x.i32s", {1, -1, 5});
    std::vector<uint8_t> a(3 * 4), b(34 * 3);
    for (size_t i = 0; i < a.size(); ++i) a[i] = uint8_t(i * 7 + 1);
    for (size_t i = 0; i < b.size(); ++i) b[i] = uint8_t(i * 13 + 5);
    mem.add_tensor("a", TensorType::F32, {3}, a);
    mem.add_tensor("b", TensorType::Q8_0, {32, 3}, b);
    disk.add_tensor_info("a", TensorType::F32, {3});
    disk.add_tensor_info("b", TensorType::Q8_0, {32, 3});
    TempFile f("stream.gguf");
    disk.begin(f.path);
    disk.write_tensor_data(std::span<const uint8_t>(a).first(5));
    disk.write_tensor_data(std::span<const uint8_t>(a).subspan(5));
    disk.write_tensor_data(b);
    disk.finish();
    const auto want = mem.to_bytes();
    QCOMPARE(disk.total_bytes(), uint64_t(want.size()));
    QVERIFY2(read_bytes(f.path) == want, "streamed file differs from GgufWriter's bytes");
}

void TestMkModel::streamWriterChecksTheByteCount() {
    const std::string path = temp_path("short.gguf");
    {
        GgufStreamWriter w;
        w.add_tensor_info("t", TensorType::F32, {4});
        w.begin(path);
        const std::vector<uint8_t> three(12, 0), extra(8, 0);
        w.write_tensor_data(std::span<const uint8_t>(three));
        QVERIFY_THROWS_EXCEPTION(Error, w.finish());     // 4 bytes missing
        QVERIFY_THROWS_EXCEPTION(Error, w.write_tensor_data(extra));
    }
    // Neither the file nor its .tmp may be left behind.
    QVERIFY(std::fopen(path.c_str(), "rb") == nullptr);
    QVERIFY(std::fopen((path + ".tmp").c_str(), "rb") == nullptr);
}

CHORD_TEST_MAIN(TestMkModel, sameSeedSameBytes, differentSeedDifferentWeights, weightsFollowTheDocumentedGenerator,
                quantizedFilesEncodeTheF32Weights, vocabularyIsMakeModelPys, tinyLlamaPresetShape,
                engineLoadsAndGenerates, rejectsInconsistentShapes, streamWriterMatchesGgufWriter,
                streamWriterChecksTheByteCount)
#ifndef CHORD_TEST_NO_QT
#include "test_mkmodel.moc"
#endif
