// llama.cpp's tokenizer conformance vectors (test-tokenizer-0 format), one data-driven test over
// every vocabulary in shared/tokenizer: each case is encoded with add_special = false and
// parse_special = false and must give exactly llama.cpp's ids.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "chord_test.h"
#include "chord/gguf.h"
#include "chord/tokenizer.h"

namespace {

struct VectorSet {
    const char* vocab;  // relative to CHORD_SHARED_DIR
    const char* cases;  // .inp/.out stem, relative to CHORD_SHARED_DIR
};

const VectorSet kSets[] = {
    // SentencePiece
    {"tokenizer/ggml-vocab-llama-spm.gguf", "tokenizer/ggml-vocab-llama-spm.gguf"},
    {"tokenizer/ggml-vocab-phi-3.gguf", "tokenizer/ggml-vocab-phi-3.gguf"},
    {"models/stories260K.gguf", "tokenizer/derived/stories260K.gguf"},
    {"models/derived/TinyLLama-v0-Q4_0.gguf", "tokenizer/derived/TinyLLama-v0-Q4_0.gguf"},
    // Byte-level BPE, one pre-tokenizer each
    {"tokenizer/ggml-vocab-gpt-2.gguf", "tokenizer/ggml-vocab-gpt-2.gguf"},
    {"tokenizer/ggml-vocab-mpt.gguf", "tokenizer/ggml-vocab-mpt.gguf"},
    {"tokenizer/ggml-vocab-falcon.gguf", "tokenizer/ggml-vocab-falcon.gguf"},
    {"tokenizer/ggml-vocab-starcoder.gguf", "tokenizer/ggml-vocab-starcoder.gguf"},
    {"tokenizer/ggml-vocab-refact.gguf", "tokenizer/ggml-vocab-refact.gguf"},
    {"tokenizer/ggml-vocab-deepseek-llm.gguf", "tokenizer/ggml-vocab-deepseek-llm.gguf"},
    {"tokenizer/ggml-vocab-deepseek-coder.gguf", "tokenizer/ggml-vocab-deepseek-coder.gguf"},
    {"tokenizer/derived/ggml-vocab-llama3.2-bpe.gguf", "tokenizer/derived/ggml-vocab-llama3.2-bpe.gguf"},
    // WordPiece
    {"tokenizer/ggml-vocab-bert-bge.gguf", "tokenizer/ggml-vocab-bert-bge.gguf"},
    // Expected ids only: these vocabularies are too large to ship; put the GGUF next to the .inp
    // (or in tokenizer/) and the cases run.
    {"tokenizer/expected-only/ggml-vocab-llama-bpe.gguf", "tokenizer/expected-only/ggml-vocab-llama-bpe.gguf"},
    {"tokenizer/expected-only/ggml-vocab-qwen2.gguf", "tokenizer/expected-only/ggml-vocab-qwen2.gguf"},
    {"tokenizer/expected-only/ggml-vocab-qwen35.gguf", "tokenizer/expected-only/ggml-vocab-qwen35.gguf"},
    {"tokenizer/expected-only/ggml-vocab-command-r.gguf", "tokenizer/expected-only/ggml-vocab-command-r.gguf"},
    {"tokenizer/expected-only/ggml-vocab-gemma-4.gguf", "tokenizer/expected-only/ggml-vocab-gemma-4.gguf"},
};

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

bool file_exists(const std::string& path) { return std::ifstream(path, std::ios::binary).good(); }

// Cases are joined by "\n__ggml_vocab_test__\n"; a trailing separator adds no case.
std::vector<std::string> split_cases(const std::string& raw) {
    static const std::string kSep = "\n__ggml_vocab_test__\n";
    std::vector<std::string> cases;
    size_t pos = 0;
    while (true) {
        const size_t hit = raw.find(kSep, pos);
        if (hit == std::string::npos) {
            cases.push_back(raw.substr(pos));
            break;
        }
        cases.push_back(raw.substr(pos, hit - pos));
        pos = hit + kSep.size();
    }
    if (raw.size() >= kSep.size() && raw.compare(raw.size() - kSep.size(), kSep.size(), kSep) == 0) cases.pop_back();
    return cases;
}

std::vector<std::vector<chord::TokenId>> read_expected(const std::string& raw) {
    std::vector<std::vector<chord::TokenId>> lines;
    std::istringstream in(raw);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream ids(line);
        std::vector<chord::TokenId> row;
        long long id = 0;
        while (ids >> id) row.push_back(static_cast<chord::TokenId>(id));
        lines.push_back(std::move(row));
    }
    return lines;
}

std::string show(const std::vector<chord::TokenId>& ids) {
    std::string s;
    for (chord::TokenId id : ids) {
        if (!s.empty()) s += ' ';
        s += std::to_string(id);
    }
    return s;
}

std::string escaped(const std::string& text) {
    std::string s;
    for (char c : text) {
        if (c == '\n') s += "\\n";
        else if (c == '\t') s += "\\t";
        else s += c;
    }
    return s;
}

}  // namespace

class TestTokenizerVectors : public QObject {
    Q_OBJECT
private slots:
    void allVocabularies();
};

void TestTokenizerVectors::allVocabularies() {
    const std::string shared = CHORD_SHARED_DIR;
    int checked_sets = 0;
    std::string failures;
    for (const VectorSet& set : kSets) {
        std::string vocab_path = shared + "/" + set.vocab;
        const std::string stem = shared + "/" + set.cases;
        if (!file_exists(vocab_path)) {
            // An expected-only vocabulary may also be dropped into tokenizer/ under its own name.
            const std::string name = vocab_path.substr(vocab_path.rfind('/') + 1);
            vocab_path = shared + "/tokenizer/" + name;
        }
        if (!file_exists(vocab_path)) {
            std::printf("SKIP   : %s: vocabulary file not present (only the expected ids are)\n", set.vocab);
            continue;
        }
        const auto file = chord::GgufFile::open(vocab_path);
        const auto tokenizer = chord::Tokenizer::from_gguf(*file);
        const std::vector<std::string> cases = split_cases(read_file(stem + ".inp"));
        const auto expected = read_expected(read_file(stem + ".out"));
        QVERIFY2(!cases.empty(), set.cases);
        QCOMPARE(cases.size(), expected.size());

        int passed = 0;
        for (size_t i = 0; i < cases.size(); ++i) {
            const std::vector<chord::TokenId> got = tokenizer->encode(cases[i], false, false);
            if (got == expected[i]) {
                ++passed;
            } else if (failures.size() < 4000) {
                failures += std::string(set.cases) + " case " + std::to_string(i) + " \"" + escaped(cases[i]) +
                            "\"\n   got:  " + show(got) + "\n   want: " + show(expected[i]) + "\n";
            }
        }
        std::printf("INFO   : %d/%zu cases of %s\n", passed, cases.size(), set.cases);
        ++checked_sets;
    }
    QVERIFY2(failures.empty(), failures.c_str());
    QVERIFY(checked_sets > 0);
}

CHORD_TEST_MAIN(TestTokenizerVectors, allVocabularies)
#ifndef CHORD_TEST_NO_QT
#include "test_tokenizer_vectors.moc"
#endif
