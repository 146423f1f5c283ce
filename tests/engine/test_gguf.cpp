// GGUF reader and writer: round trips of every metadata type, llama.cpp's files, and hostile input
// (truncation anywhere, absurd counts, tensors outside the file or overlapping) refused with a clear error.
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "chord/error.h"
#include "chord/gguf.h"
#include "chord/model.h"
#include "chord_test.h"
#include "small_gguf.h"

namespace {

std::string shared(const std::string& rel) { return std::string(CHORD_SHARED_DIR) + "/" + rel; }

// Runs f and returns the chord::Error it throws ("" and kind unset if none).
std::string error_of(const std::function<void()>& f, chord::ErrorKind* kind = nullptr) {
    try {
        f();
    } catch (const chord::Error& e) {
        if (kind) *kind = e.kind();
        return e.what();
    }
    return {};
}

using small_gguf::append;
using small_gguf::find;
using small_gguf::put;

}  // namespace

class TestGguf : public QObject {
    Q_OBJECT
private slots:
    void roundTripsEveryMetadataType() {
        chord::GgufWriter w;
        w.set_u32("u32", 7);
        w.set_i32("i32", -7);
        w.set_u64("u64", 1ull << 40);
        w.set_f32("f32", 1.5f);
        w.set_bool("bool", true);
        w.set_string("str", "héllo");
        w.set_string_array("strs", {"x", "", "zz"});
        w.set_i32_array("ints", {1, -2, 3});
        // A nested array: [[1, 2], [3]] of u8.
        auto value = [](chord::GgufType type, auto v) {
            chord::GgufValue g;
            g.type = type;
            g.value = v;
            return g;
        };
        auto inner = [&](std::vector<uint64_t> v) {
            auto a = std::make_shared<chord::GgufArray>();
            a->elem_type = chord::GgufType::U8;
            for (uint64_t x : v) a->items.push_back(value(chord::GgufType::U8, x));
            return value(chord::GgufType::Array, a);
        };
        auto outer = std::make_shared<chord::GgufArray>();
        outer->elem_type = chord::GgufType::Array;
        outer->items.push_back(inner({1, 2}));
        outer->items.push_back(inner({3}));
        w.set("nested", value(chord::GgufType::Array, outer));
        w.set_alignment(64);
        w.add_tensor("t", chord::TensorType::F16, {4, 3}, std::vector<uint8_t>(24, 9));
        const std::vector<uint8_t> bytes = w.to_bytes();
        const auto f = chord::GgufFile::from_memory(bytes);
        QCOMPARE(f->version(), 3u);
        QCOMPARE(*f->get_uint("u32"), uint64_t{7});
        QCOMPARE(*f->get_int("i32"), int64_t{-7});
        QCOMPARE(*f->get_uint("u64"), uint64_t{1} << 40);
        QCOMPARE(*f->get_float("f32"), 1.5);
        QCOMPARE(*f->get_bool("bool"), true);
        QCOMPARE(*f->get_string("str"), std::string("héllo"));
        QCOMPARE(f->get_string_array("strs"), (std::vector<std::string>{"x", "", "zz"}));
        QCOMPARE(f->get_int_array("ints"), (std::vector<int64_t>{1, -2, 3}));
        const chord::GgufArray* nested = f->find("nested")->as_array();
        QVERIFY(nested);
        QCOMPARE(nested->items.size(), size_t{2});
        QCOMPARE(*nested->items[0].as_array()->items[1].as_uint(), uint64_t{2});
        QCOMPARE(f->alignment(), uint64_t{64});
        QCOMPARE(f->data_offset() % 64, uint64_t{0});
        const chord::GgufTensor* t = f->tensor("t");
        QVERIFY(t);
        QCOMPARE(t->ne[0], int64_t{4});
        QCOMPARE(t->ne[1], int64_t{3});
        QCOMPARE(t->nbytes, size_t{24});
        QCOMPARE(int(t->data[23]), 9);
        QVERIFY(!f->get_uint("missing"));
    }

    void readsLlamaCppFiles() {
        const auto f = chord::GgufFile::open(shared("models/stories260K.gguf"));
        QCOMPARE(f->version(), 3u);
        QCOMPARE(*f->get_string("general.architecture"), std::string("llama"));
        QCOMPARE(*f->get_uint("llama.embedding_length"), uint64_t{64});
        QCOMPARE(f->tensors().size(), size_t{48});
        QCOMPARE(f->get_string_array("tokenizer.ggml.tokens").size(), size_t{512});
        // uint32 -1 means "no such token" in llama.cpp's files.
        QCOMPARE(*f->get_int("tokenizer.ggml.padding_token_id"), int64_t{-1});
        const chord::GgufTensor* down = f->tensor("blk.0.ffn_down.weight");
        QVERIFY(down);
        QCOMPARE(down->ne[0], int64_t{172});
        QCOMPARE(down->ne[1], int64_t{64});
    }

    void refusesVersion1() {
        chord::ErrorKind kind{};
        const std::string msg = error_of([] { chord::GgufFile::open(shared("models/legacy/tinyllamas-stories-260k-f32.gguf")); }, &kind);
        QVERIFY2(msg.find("version 1") != std::string::npos, msg.c_str());
        QVERIFY(kind == chord::ErrorKind::Unsupported);
    }

    void refusesBlocksCrossingRows() {
        const std::string msg = error_of([] { chord::GgufFile::open(shared("models/legacy/tinyllamas-stories-260k-q8_0.gguf")); });
        QVERIFY2(msg.find("block") != std::string::npos, msg.c_str());
        QVERIFY2(msg.find("Q8_0") != std::string::npos, msg.c_str());
    }

    void refusesOldGgmlFormat() {
        const std::string msg = error_of([] { chord::GgufFile::open(shared("models/legacy/TinyLLama-v0.ggmlv3.q4_0.bin")); });
        QVERIFY2(msg.find("not GGUF") != std::string::npos, msg.c_str());
    }

    void missingFileIsNotFound() {
        chord::ErrorKind kind{};
        const std::string msg = error_of([] { chord::Model::load("/nonexistent/model.gguf"); }, &kind);
        QVERIFY(kind == chord::ErrorKind::NotFound);
        QVERIFY2(msg.find("/nonexistent/model.gguf") != std::string::npos, msg.c_str());
    }

    void truncationAnywhereIsAnError() {
        const std::vector<uint8_t> bytes = small_gguf::bytes();
        const auto whole = chord::GgufFile::from_memory(bytes);
        // Every byte up to the end of the last tensor's data is needed (what follows is alignment padding).
        const chord::GgufTensor& last = whole->tensors().back();
        const size_t needed = whole->data_offset() + last.offset + last.nbytes;
        QVERIFY(needed <= bytes.size() && needed + 32 > bytes.size());
        for (size_t n = 0; n < needed; ++n) {
            const std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
            const std::string msg = error_of([&] { chord::GgufFile::from_memory(cut); });
            QVERIFY2(!msg.empty(), ("no error when truncated at byte " + std::to_string(n)).c_str());
        }
    }

    void truncatedModelFileFailsToLoad() {
        std::ifstream in(shared("models/stories260K.gguf"), std::ios::binary);
        std::vector<char> all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        const std::string path = "test_gguf_truncated.gguf";
        std::ofstream(path, std::ios::binary).write(all.data(), static_cast<std::streamsize>(all.size() / 2));
        const std::string msg = error_of([&] { chord::Model::load(path); });
        std::remove(path.c_str());
        QVERIFY2(msg.find("past the end of the file") != std::string::npos, msg.c_str());
    }

    void hostileCountsAndOffsets() {
        const std::vector<uint8_t> good = small_gguf::bytes();
        auto expect_error = [&](std::vector<uint8_t> b, const char* what, const char* needle) {
            const std::string msg = error_of([&] { chord::GgufFile::from_memory(b); });
            QVERIFY2(msg.find(needle) != std::string::npos, (std::string(what) + ": got '" + msg + "'").c_str());
        };
        {
            auto b = good;
            put<uint64_t>(b, 8, ~0ull);  // tensor count near 2^64
            expect_error(b, "huge tensor count", "tensor count");
        }
        {
            auto b = good;
            put<uint64_t>(b, 16, (1ull << 62));  // metadata count
            expect_error(b, "huge metadata count", "metadata count");
        }
        const small_gguf::Layout L;  // offsets of a.weight's and b.weight's fields
        {
            auto b = good;
            put<uint64_t>(b, L.a_ne0, 1ull << 62);  // ne[0]·ne[1] overflows
            put<uint64_t>(b, L.a_ne1, 1ull << 62);
            expect_error(b, "dimension overflow", "overflow");
        }
        {
            auto b = good;
            put<uint32_t>(b, L.a_info, 9);  // 9 dimensions
            expect_error(b, "too many dimensions", "dimensions");
        }
        {
            auto b = good;
            put<uint32_t>(b, L.a_type, 1000);  // unknown tensor type
            expect_error(b, "unknown tensor type", "unknown type");
        }
        {
            auto b = good;
            put<uint64_t>(b, L.a_offset, 1ull << 40);  // offset outside the file
            expect_error(b, "tensor outside the file", "past the end");
        }
        {
            auto b = good;
            put<uint64_t>(b, L.a_offset, 3);  // misaligned offset
            expect_error(b, "misaligned tensor", "aligned");
        }
        {
            auto b = good;
            put<uint64_t>(b, L.b_offset, 0);  // b starts where a starts: overlap
            expect_error(b, "overlapping tensors", "overlap");
        }
        {
            auto b = good;
            const size_t key = find(good, "general.architecture") - 8;
            put<uint64_t>(b, key, 1ull << 60);  // key string length past the end
            expect_error(b, "string past the end", "past the end");
        }
        {
            auto b = good;
            const size_t type_at = find(good, "flag") + 4;
            put<uint32_t>(b, type_at, 99);  // unknown metadata value type
            expect_error(b, "unknown value type", "unknown value type");
        }
        {
            auto b = good;
            const size_t arr = find(good, "tokenizer.ggml.tokens") + 21 + 4;  // after key and value type: elem type
            put<uint64_t>(b, arr + 4, 1ull << 61);  // array count past the file
            expect_error(b, "huge array", "larger than the file");
        }
        {
            // Arrays nested deeper than any real file: refused, not recursed into until the stack ends.
            std::vector<uint8_t> b = small_gguf::one_value_header("k", 9);
            for (int d = 0; d < 100; ++d) {
                append<uint32_t>(b, 9);
                append<uint64_t>(b, 1);
            }
            append<uint32_t>(b, 0);
            append<uint64_t>(b, 0);
            expect_error(b, "deep nesting", "nested");
        }
    }
};

CHORD_TEST_MAIN(TestGguf, roundTripsEveryMetadataType, readsLlamaCppFiles, refusesVersion1, refusesBlocksCrossingRows,
                refusesOldGgmlFormat, missingFileIsNotFound, truncationAnywhereIsAnError, truncatedModelFileFailsToLoad,
                hostileCountsAndOffsets)
#ifndef CHORD_TEST_NO_QT
#include "test_gguf.moc"
#endif
