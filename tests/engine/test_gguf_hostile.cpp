// A corpus of hostile GGUF files, generated here from a small valid file and from a real llama.cpp model:
// truncated at every section, counts and dimensions near 2^64, tensors overlapping or outside the file,
// misaligned offsets, strings running past the end, recursive arrays, unknown types. Each must be refused
// with a chord::Error whose message names the problem, without a crash and without a large allocation
// (counted by the replacement operator new below: parsing a refused file may allocate at most
// kAllocationBound bytes at once). test_gguf.cpp holds the round trips and llama.cpp-file checks.
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <new>
#include <string>
#include <vector>

#include "chord/error.h"
#include "chord/gguf.h"
#include "chord_test.h"
#include "small_gguf.h"

// Live heap bytes and their peak, counted through the global operator new/delete (malloc_usable_size
// gives the size back at delete). Aligned and nothrow forms are rare in the parser and not counted.
namespace {
std::atomic<int64_t> g_live{0};
std::atomic<int64_t> g_peak{0};

void* counted_alloc(size_t n) {
    void* p = std::malloc(n == 0 ? 1 : n);
    if (!p) throw std::bad_alloc();
    const int64_t live = g_live += static_cast<int64_t>(malloc_usable_size(p));
    int64_t peak = g_peak.load();
    while (live > peak && !g_peak.compare_exchange_weak(peak, live)) {
    }
    return p;
}
void counted_free(void* p) {
    if (!p) return;
    g_live -= static_cast<int64_t>(malloc_usable_size(p));
    std::free(p);
}
}  // namespace

void* operator new(size_t n) { return counted_alloc(n); }
void* operator new[](size_t n) { return counted_alloc(n); }
void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, size_t) noexcept { counted_free(p); }
void operator delete[](void* p, size_t) noexcept { counted_free(p); }

namespace {

// A refused file may make the parser hold at most this much at once (the files here are < 4 MB).
constexpr int64_t kAllocationBound = 16 << 20;

std::string shared(const std::string& rel) { return std::string(CHORD_SHARED_DIR) + "/" + rel; }

struct Outcome {
    bool refused = false;
    std::string message;
    int64_t peak_bytes = 0;  // most heap bytes held at once while parsing, above what was live before
};

Outcome parse(const std::vector<uint8_t>& bytes) {
    Outcome o;
    const int64_t before = g_live.load();
    g_peak.store(before);
    try {
        chord::GgufFile::from_memory(bytes, "hostile.gguf");
    } catch (const chord::Error& e) {
        o.refused = true;
        o.message = e.what();
    }
    o.peak_bytes = g_peak.load() - before;
    return o;
}

using small_gguf::append;
using small_gguf::find;
using small_gguf::one_value_header;
using small_gguf::put;

struct HostileFile {
    std::string name;
    std::vector<uint8_t> bytes;
    std::string needle;  // what the error message must say
};

std::vector<HostileFile> hostile_corpus() {
    const small_gguf::Layout L;
    std::vector<HostileFile> out;
    auto edit = [&](std::string name, std::string needle, const std::function<void(std::vector<uint8_t>&)>& f) {
        std::vector<uint8_t> b = L.bytes;
        f(b);
        out.push_back({std::move(name), std::move(b), std::move(needle)});
    };
    // Header.
    edit("bad magic", "bad magic", [](auto& b) { b[0] = 'X'; });
    edit("version 0", "version 0", [](auto& b) { put<uint32_t>(b, 4, 0); });
    edit("version 4", "version 4", [](auto& b) { put<uint32_t>(b, 4, 4); });
    edit("version 2^32-1", "version", [](auto& b) { put<uint32_t>(b, 4, ~0u); });
    // Counts near 2^64.
    for (uint64_t n : {~0ull, ~0ull - 1, 1ull << 63, 1ull << 32}) {
        edit("tensor count " + std::to_string(n), "tensor count", [n](auto& b) { put<uint64_t>(b, 8, n); });
        edit("metadata count " + std::to_string(n), "metadata count", [n](auto& b) { put<uint64_t>(b, 16, n); });
    }
    // More metadata or tensors than the file holds, but few enough to pass the first size check.
    edit("metadata count past the data", "", [](auto& b) { put<uint64_t>(b, 16, 40); });
    edit("tensor count past the data", "", [](auto& b) { put<uint64_t>(b, 8, 9); });
    // Dimensions near 2^64.
    edit("ne[0] = 2^64-1", "overflow", [&](auto& b) { put<uint64_t>(b, L.a_ne0, ~0ull); });
    edit("ne[0] = 2^63", "overflow", [&](auto& b) { put<uint64_t>(b, L.a_ne0, 1ull << 63); });
    edit("ne[0]·ne[1] = 2^124", "overflow", [&](auto& b) {
        put<uint64_t>(b, L.a_ne0, 1ull << 62);
        put<uint64_t>(b, L.a_ne1, 1ull << 62);
    });
    edit("ne[0]·ne[1] = 2^64 exactly", "overflow", [&](auto& b) {
        put<uint64_t>(b, L.a_ne0, 1ull << 32);
        put<uint64_t>(b, L.a_ne1, 1ull << 32);
    });
    // n_elements fits in int64 but bytes (4 per F32) do not fit in 64 bits.
    edit("F32 bytes overflow", "too large", [&](auto& b) {
        put<uint64_t>(b, L.a_ne0, 1ull << 32);
        put<uint64_t>(b, L.a_ne1, 1ull << 30);
    });
    // Q8_0 takes 34 bytes per 32 elements, so its byte count cannot overflow: only the end is checked.
    edit("Q8_0 ne[0] = 2^62 + 32", "past the end", [&](auto& b) { put<uint64_t>(b, L.b_ne0, (1ull << 62) + 32); });
    edit("ne = 2^40 (fits, past the end)", "past the end", [&](auto& b) { put<uint64_t>(b, L.a_ne1, 1ull << 40); });
    edit("Q8_0 row not a block multiple", "block size", [&](auto& b) { put<uint64_t>(b, L.b_ne0, 33); });
    edit("0 dimensions", "dimensions", [&](auto& b) { put<uint32_t>(b, L.a_info, 0); });
    edit("5 dimensions", "dimensions", [&](auto& b) { put<uint32_t>(b, L.a_info, 5); });
    edit("2^32-1 dimensions", "dimensions", [&](auto& b) { put<uint32_t>(b, L.a_info, ~0u); });
    // Unknown tensor types.
    for (uint32_t t : {4u, 5u, 40u, 1000u, ~0u})
        edit("tensor type " + std::to_string(t), "unknown type", [&, t](auto& b) { put<uint32_t>(b, L.a_type, t); });
    // Tensors outside the file, overlapping, misaligned.
    edit("offset 2^40", "past the end", [&](auto& b) { put<uint64_t>(b, L.a_offset, 1ull << 40); });
    edit("offset 2^64-32 (wraps)", "past the end", [&](auto& b) { put<uint64_t>(b, L.a_offset, ~0ull - 31); });
    edit("offset one tensor past the end", "past the end", [&](auto& b) { put<uint64_t>(b, L.b_offset, 512); });
    edit("b at a's start", "overlap", [&](auto& b) { put<uint64_t>(b, L.b_offset, 0); });
    edit("b inside a", "overlap", [&](auto& b) { put<uint64_t>(b, L.b_offset, 224); });
    edit("a runs into b", "overlap", [&](auto& b) { put<uint64_t>(b, L.a_offset, 32); });
    for (uint64_t off : {1ull, 3ull, 16ull, 31ull, (1ull << 63) + 1})
        edit("offset " + std::to_string(off) + " misaligned", "aligned", [&, off](auto& b) { put<uint64_t>(b, L.a_offset, off); });
    edit("duplicate tensor name", "appears twice", [&](auto& b) { std::memcpy(b.data() + find(b, "b.weight"), "a", 1); });
    edit("empty tensor name", "invalid name", [&](auto& b) { put<uint64_t>(b, L.a_info - 16, 0); });
    // Strings whose length runs past the end.
    for (uint64_t len : {~0ull, 1ull << 63, 1ull << 32, 4096ull}) {
        edit("key length " + std::to_string(len), "past the end", [&, len](auto& b) {
            put<uint64_t>(b, find(b, "general.architecture") - 8, len);
        });
        edit("string value length " + std::to_string(len), "past the end", [&, len](auto& b) {
            put<uint64_t>(b, find(b, "llama") - 8, len);  // general.architecture's value, the first "llama"
        });
        edit("array string length " + std::to_string(len), "past the end", [&, len](auto& b) {
            put<uint64_t>(b, find(b, std::string("\x01\0\0\0\0\0\0\0b", 9)), len);  // the token "b"
        });
        edit("tensor name length " + std::to_string(len), "past the end", [&, len](auto& b) {
            put<uint64_t>(b, L.a_info - 16, len);
        });
    }
    // Unknown metadata types: a value type and an array element type.
    for (uint32_t t : {13u, 99u, ~0u}) {
        edit("value type " + std::to_string(t), "unknown value type", [t](auto& b) { put<uint32_t>(b, find(b, "flag") + 4, t); });
        edit("array element type " + std::to_string(t), "unknown value type",
             [t](auto& b) { put<uint32_t>(b, find(b, "tokenizer.ggml.tokens") + 25, t); });
    }
    edit("bool value 2", "neither 0 nor 1", [](auto& b) { b[find(b, "flag") + 8] = 2; });
    edit("array count 2^61", "larger than the file",
         [](auto& b) { put<uint64_t>(b, find(b, "tokenizer.ggml.tokens") + 29, 1ull << 61); });
    edit("array count 2^64-1", "larger than the file",
         [](auto& b) { put<uint64_t>(b, find(b, "tokenizer.ggml.scores") + 29, ~0ull); });
    edit("duplicate key", "appears twice", [](auto& b) { std::memcpy(b.data() + find(b, "scores"), "tokens", 6); });
    // Alignment.
    struct Align { const char* name; uint32_t value; };
    for (Align a : {Align{"alignment 0", 0}, Align{"alignment 3", 3}, Align{"alignment 48", 48}, Align{"alignment 2^32-1", ~0u}}) {
        chord::GgufWriter w;
        w.set_u32("general.alignment", 32);
        w.add_tensor("t", chord::TensorType::F32, {8}, std::vector<uint8_t>(32, 0));
        std::vector<uint8_t> b = w.to_bytes();
        put<uint32_t>(b, find(b, "general.alignment") + 21, a.value);
        out.push_back({a.name, b, "power of two"});
    }
    {
        chord::GgufWriter w;
        w.set_u64("general.alignment", 32);  // must be u32
        w.add_tensor("t", chord::TensorType::F32, {8}, std::vector<uint8_t>(32, 0));
        out.push_back({"alignment as u64", w.to_bytes(), "power of two"});
    }
    {
        chord::GgufWriter w;
        w.set_u32("general.alignment", 32);
        w.add_tensor("t", chord::TensorType::F32, {8}, std::vector<uint8_t>(32, 0));
        std::vector<uint8_t> b = w.to_bytes();
        put<uint32_t>(b, find(b, "general.alignment") + 21, 1u << 31);  // data section starts at 2 GB
        out.push_back({"alignment 2^31", b, "past the end"});
    }
    // Recursive arrays: nested deeper than any real file, and an inner array claiming 2^60 elements.
    for (int depth : {9, 100, 100000}) {
        std::vector<uint8_t> b = one_value_header("k", 9);
        for (int d = 0; d < depth; ++d) {
            append<uint32_t>(b, 9);
            append<uint64_t>(b, 1);
        }
        append<uint32_t>(b, 0);
        append<uint64_t>(b, 0);
        out.push_back({"arrays nested " + std::to_string(depth) + " deep", b, "nested"});
    }
    {
        std::vector<uint8_t> b = one_value_header("k", 9);
        append<uint32_t>(b, 9);  // an array of arrays
        append<uint64_t>(b, 2);
        append<uint32_t>(b, 0);
        append<uint64_t>(b, 1ull << 60);  // the first inner array: 2^60 u8
        out.push_back({"inner array count 2^60", b, "larger than the file"});
    }
    {
        // More values in all than the parser's cap, each of them cheap in the file (1 byte).
        std::vector<uint8_t> b = one_value_header("k", 9);
        append<uint32_t>(b, 0);
        const uint64_t n = (1ull << 22) + 1;
        append<uint64_t>(b, n);
        b.resize(b.size() + n, 0);
        out.push_back({"4M+1 u8 values (amplification)", b, "more than"});
    }
    return out;
}

// Offsets where a real file's sections begin and end: the header fields, each tensor's data.
std::vector<size_t> section_cuts(const chord::GgufFile& f, size_t size) {
    std::vector<size_t> cuts = {0, 3, 4, 7, 8, 15, 16, 23, 24, 25, 32};
    for (size_t at = 24; at < f.data_offset(); at += 97) cuts.push_back(at);  // through metadata and tensor infos
    for (size_t d = 1; d <= 8; ++d) cuts.push_back(f.data_offset() - d);
    for (const chord::GgufTensor& t : f.tensors()) {
        const size_t start = f.data_offset() + t.offset;
        for (size_t at : {start, start + 1, start + t.nbytes / 2, start + t.nbytes - 1})
            if (at < size) cuts.push_back(at);
    }
    return cuts;
}

}  // namespace

class TestGgufHostile : public QObject {
    Q_OBJECT
private slots:
    void baseFileIsValid() {
        const std::vector<uint8_t> b = small_gguf::bytes();
        const Outcome o = parse(b);
        QVERIFY2(!o.refused, o.message.c_str());
        // The counter works: parsing the valid file allocated something.
        QVERIFY(o.peak_bytes > 0);
    }

    void everyHostileFileIsRefusedClearly() {
        const std::vector<HostileFile> corpus = hostile_corpus();
        int64_t largest = 0;
        for (const HostileFile& h : corpus) {
            const Outcome o = parse(h.bytes);
            QVERIFY2(o.refused, (h.name + ": accepted").c_str());
            QVERIFY2(o.message.find("hostile.gguf") != std::string::npos, (h.name + ": " + o.message).c_str());
            QVERIFY2(o.message.find(h.needle) != std::string::npos,
                     (h.name + ": expected '" + h.needle + "' in '" + o.message + "'").c_str());
            QVERIFY2(o.peak_bytes < kAllocationBound,
                     (h.name + ": allocated " + std::to_string(o.peak_bytes) + " bytes").c_str());
            largest = std::max(largest, o.peak_bytes);
        }
        std::printf("hostile GGUF corpus: %zu files refused, largest allocation while parsing one %lld bytes\n",
                    corpus.size(), static_cast<long long>(largest));
    }

    void everyTruncationIsRefused() {
        // Every prefix of the small file (each byte of every section) and section cuts of a real model.
        const std::vector<uint8_t> small = small_gguf::bytes();
        const auto whole = chord::GgufFile::from_memory(small);
        const size_t needed = whole->data_offset() + whole->tensors().back().offset + whole->tensors().back().nbytes;
        size_t tried = 0;
        for (size_t n = 0; n < needed; ++n, ++tried) {
            const Outcome o = parse(std::vector<uint8_t>(small.begin(), small.begin() + static_cast<std::ptrdiff_t>(n)));
            QVERIFY2(o.refused, ("accepted when cut at byte " + std::to_string(n)).c_str());
            QVERIFY2(o.peak_bytes < kAllocationBound, ("cut at " + std::to_string(n)).c_str());
        }
        std::ifstream in(shared("models/stories260K.gguf"), std::ios::binary);
        const std::vector<uint8_t> real((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        QVERIFY(real.size() > 1000000);
        const auto model = chord::GgufFile::from_memory(real);
        for (size_t cut : section_cuts(*model, real.size())) {
            const Outcome o = parse(std::vector<uint8_t>(real.begin(), real.begin() + static_cast<std::ptrdiff_t>(cut)));
            QVERIFY2(o.refused, ("stories260K.gguf accepted when cut at byte " + std::to_string(cut)).c_str());
            QVERIFY2(o.message.find("end of file") != std::string::npos || o.message.find("past the end") != std::string::npos ||
                         o.message.find("too small") != std::string::npos || o.message.find("larger than the file") != std::string::npos,
                     o.message.c_str());
            ++tried;
        }
        std::printf("truncations tried: %zu\n", tried);
    }

    // Found by fuzz_gguf (UBSan: signed overflow in the row count): a zero-length first dimension keeps the
    // element count at 0, so only the row count's own product can catch the other dimensions overflowing.
    void zeroLengthRowWithOverflowingRowCountIsRefused() {
        chord::GgufWriter w;
        w.add_tensor("t.weight", chord::TensorType::F32, {32, 1, 1, 1}, std::vector<uint8_t>(4 * 32));
        std::vector<uint8_t> b = w.to_bytes();
        const size_t ne0 = find(b, "t.weight") + 8 + 4;
        put<uint64_t>(b, ne0, 0);
        put<uint64_t>(b, ne0 + 8, 1ull << 32);
        put<uint64_t>(b, ne0 + 16, 1ull << 32);
        put<uint64_t>(b, ne0 + 24, 2);
        const Outcome o = parse(b);
        QVERIFY2(o.refused, "accepted");
        QVERIFY2(o.message.find("too large") != std::string::npos, o.message.c_str());
    }
};

CHORD_TEST_MAIN(TestGgufHostile, baseFileIsValid, everyHostileFileIsRefusedClearly, everyTruncationIsRefused,
                zeroLengthRowWithOverflowingRowCountIsRefused)
#ifndef CHORD_TEST_NO_QT
#include "test_gguf_hostile.moc"
#endif
