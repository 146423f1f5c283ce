// chord-quantize's library function against llama-quantize: quantizing shared/models/quant's F32
// source to each file type gives the same tensors, in the same order, with the same types and the
// same bytes as llama.cpp's file, and general.file_type set to llama.cpp's ftype number.
#include <cstring>
#include <string>
#include <vector>

#include "chord/error.h"
#include "chord/gguf.h"
#include "chord_test.h"
#include "quant/model_quantizer.h"

using namespace chord;

namespace {

const std::string kQuantDir = std::string(CHORD_SHARED_DIR) + "/models/quant/";

// The file types in shared/models/quant and their ftype numbers (from its README).
struct Expected {
    const char* preset;
    uint32_t ftype;
};
const Expected kFiles[] = {{"F16", 1},     {"BF16", 32},    {"Q8_0", 7},    {"Q4_0", 2},   {"Q4_1", 3},
                           {"Q5_0", 8},    {"Q5_1", 9},     {"Q2_K", 10},   {"Q3_K_M", 12}, {"Q4_K_S", 14},
                           {"Q4_K_M", 15}, {"Q5_K_M", 17},  {"Q6_K", 18},   {"IQ4_NL", 25}, {"IQ4_XS", 30}};

}  // namespace

class TestQuantizeModel : public QObject {
    Q_OBJECT
private slots:
    void everyPresetMatchesLlamaQuantize();
    void metadataIsCopied();
    void refusesQuantizedInput();
    void presetNamesAreCaseInsensitive();
    void mixesOfALargerModel();
};

void TestQuantizeModel::everyPresetMatchesLlamaQuantize() {
    auto source = GgufFile::open(kQuantDir + "synth-q-F32.gguf");
    for (const Expected& e : kFiles) {
        const QuantPreset* preset = find_quant_preset(e.preset);
        QVERIFY2(preset != nullptr, e.preset);
        QCOMPARE(preset->ftype, e.ftype);
        GgufWriter writer;
        ModelQuantizeOptions options;
        options.threads = 2;
        quantize_model(*source, *preset, writer, options);
        const std::vector<uint8_t> bytes = writer.to_bytes();
        auto ours = GgufFile::from_memory(bytes, std::string("chord ") + e.preset);
        auto llama = GgufFile::open(kQuantDir + "synth-q-" + e.preset + ".gguf");

        QCOMPARE(ours->get_uint("general.file_type").value_or(0), uint64_t{e.ftype});
        QCOMPARE(ours->get_uint("general.quantization_version").value_or(0), uint64_t{2});
        QCOMPARE(ours->tensors().size(), llama->tensors().size());
        for (size_t i = 0; i < llama->tensors().size(); ++i) {
            const GgufTensor& want = llama->tensors()[i];
            const GgufTensor& got = ours->tensors()[i];
            const std::string where = std::string(e.preset) + " tensor " + std::to_string(i) + " " + want.name;
            QVERIFY2(got.name == want.name, (where + ": we wrote " + got.name + " here").c_str());
            QVERIFY2(got.type == want.type, (where + ": we chose " + std::string(tensor_type_name(got.type)) +
                                             ", llama.cpp " + std::string(tensor_type_name(want.type)))
                                                .c_str());
            QVERIFY2(got.ne == want.ne && got.n_dims == want.n_dims, (where + ": shape differs").c_str());
            QVERIFY2(got.nbytes == want.nbytes && std::memcmp(got.data, want.data, want.nbytes) == 0,
                     (where + ": bytes differ").c_str());
        }
    }
}

void TestQuantizeModel::metadataIsCopied() {
    auto source = GgufFile::open(kQuantDir + "synth-q-F32.gguf");
    GgufWriter writer;
    quantize_model(*source, *find_quant_preset("Q4_K_M"), writer);
    const std::vector<uint8_t> bytes = writer.to_bytes();
    auto ours = GgufFile::from_memory(bytes);
    for (const auto& [key, value] : source->metadata()) {
        if (key == "general.file_type") continue;
        QVERIFY2(ours->find(key) != nullptr, key.c_str());
    }
    QCOMPARE(ours->get_string("general.architecture").value_or(""), std::string("llama"));
    QCOMPARE(ours->get_string_array("tokenizer.ggml.tokens"), source->get_string_array("tokenizer.ggml.tokens"));
    QCOMPARE(ours->get_float("llama.rope.freq_base").value_or(0.0), 10000.0);
}

void TestQuantizeModel::refusesQuantizedInput() {
    auto quantized = GgufFile::open(kQuantDir + "synth-q-Q8_0.gguf");
    GgufWriter writer;
    QVERIFY_THROWS_EXCEPTION(Error, quantize_model(*quantized, *find_quant_preset("Q4_K_M"), writer));
}

void TestQuantizeModel::presetNamesAreCaseInsensitive() {
    QVERIFY(find_quant_preset("q4_k_m") == find_quant_preset("Q4_K_M"));
    QVERIFY(find_quant_preset("Q4_K_M") != nullptr);
    QVERIFY(find_quant_preset("Q4_K_X") == nullptr);
    QCOMPARE(find_quant_preset("IQ4_XS")->main_type, TensorType::IQ4_XS);
}

// llama.cpp's rules on a 32-layer GQA llama, where the 2-layer reference files cannot show them:
// Q4_K_M gives Q6_K to attn_v and ffn_down of layers 0-3, 28-31 and every third layer from 6 to 27
// ("use_more_bits"); Q3_K_M gives Q5_K to the first two attn_v and the ffn_down of layers 0-1 (n/16);
// Q2_K gives attn_v Q4_K once 4 query heads share a KV head. Without output.weight the embeddings are
// tied and token_embd gets the output's Q6_K; a row length no block divides falls back to F16.
void TestQuantizeModel::mixesOfALargerModel() {
    MixModelInfo model;
    model.arch = "llama";
    model.n_layer = 32;
    model.n_head = 32;
    model.n_head_kv = 8;
    std::vector<MixTensor> tensors = {{"output.weight", TensorType::F16, {4096, 32000}},
                                      {"output_norm.weight", TensorType::F32, {4096}},
                                      {"token_embd.weight", TensorType::F16, {4096, 32000}}};
    for (int l = 0; l < 32; ++l) {
        const std::string b = "blk." + std::to_string(l) + ".";
        tensors.push_back({b + "attn_output.weight", TensorType::F16, {4096, 4096}});
        tensors.push_back({b + "attn_v.weight", TensorType::F16, {4096, 1024}});
        tensors.push_back({b + "ffn_down.weight", TensorType::F16, {14336, 4096}});
        tensors.push_back({b + "ffn_up.weight", TensorType::F16, {4096, 14336}});
    }
    auto type_of = [&](const std::vector<TensorType>& types, const std::string& name) {
        for (size_t i = 0; i < tensors.size(); ++i)
            if (tensors[i].name == name) return types[i];
        return TensorType::I8;
    };
    auto layer = [](int l, const char* what) { return "blk." + std::to_string(l) + "." + what; };

    const std::vector<TensorType> q4km = choose_tensor_types(*find_quant_preset("Q4_K_M"), model, tensors);
    QCOMPARE(type_of(q4km, "output.weight"), TensorType::Q6_K);
    QCOMPARE(type_of(q4km, "token_embd.weight"), TensorType::Q4_K);
    QCOMPARE(type_of(q4km, "output_norm.weight"), TensorType::F32);
    for (int l = 0; l < 32; ++l) {
        const bool more = l < 4 || l >= 28 || (l >= 6 && (l - 6) % 3 == 0);
        const TensorType bumped = more ? TensorType::Q6_K : TensorType::Q4_K;
        QCOMPARE(type_of(q4km, layer(l, "attn_v.weight")), bumped);
        QCOMPARE(type_of(q4km, layer(l, "ffn_down.weight")), bumped);
        QCOMPARE(type_of(q4km, layer(l, "ffn_up.weight")), TensorType::Q4_K);
        QCOMPARE(type_of(q4km, layer(l, "attn_output.weight")), TensorType::Q4_K);
    }

    const std::vector<TensorType> q3km = choose_tensor_types(*find_quant_preset("Q3_K_M"), model, tensors);
    for (int l = 0; l < 32; ++l) {
        QCOMPARE(type_of(q3km, layer(l, "attn_v.weight")), l < 2 ? TensorType::Q5_K : TensorType::Q4_K);
        QCOMPARE(type_of(q3km, layer(l, "ffn_down.weight")), l < 2 ? TensorType::Q5_K : TensorType::Q4_K);
        QCOMPARE(type_of(q3km, layer(l, "attn_output.weight")), TensorType::Q4_K);
        QCOMPARE(type_of(q3km, layer(l, "ffn_up.weight")), TensorType::Q3_K);
    }

    const std::vector<TensorType> q2k = choose_tensor_types(*find_quant_preset("Q2_K"), model, tensors);
    QCOMPARE(type_of(q2k, layer(5, "attn_v.weight")), TensorType::Q4_K);
    QCOMPARE(type_of(q2k, layer(5, "ffn_down.weight")), TensorType::Q3_K);
    QCOMPARE(type_of(q2k, layer(5, "ffn_up.weight")), TensorType::Q2_K);

    tensors.erase(tensors.begin());  // no output.weight: tied embeddings
    tensors.push_back({"blk.31.odd.weight", TensorType::F16, {100, 64}});
    const std::vector<TensorType> tied = choose_tensor_types(*find_quant_preset("Q4_K_M"), model, tensors);
    QCOMPARE(type_of(tied, "token_embd.weight"), TensorType::Q6_K);
    QCOMPARE(type_of(tied, "blk.31.odd.weight"), TensorType::F16);
}

CHORD_TEST_MAIN(TestQuantizeModel, everyPresetMatchesLlamaQuantize, metadataIsCopied, refusesQuantizedInput,
                presetNamesAreCaseInsensitive, mixesOfALargerModel)
#ifndef CHORD_TEST_NO_QT
#include "test_quantize_model.moc"
#endif
