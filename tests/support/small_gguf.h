#pragma once
// A small valid GGUF file and the byte edits that break it, for the parser tests (test_gguf.cpp,
// test_gguf_hostile.cpp): each takes this file, changes one field in place, and expects a clear refusal.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "chord/gguf.h"

namespace small_gguf {

// Every metadata value type, two tensors (a.weight: F32 32×2, b.weight: Q8_0 64×1), 32-byte alignment.
inline std::vector<uint8_t> bytes() {
    chord::GgufWriter w;
    w.set_string("general.architecture", "llama");
    w.set_u32("llama.block_count", 1);
    w.set_f32("llama.rope.freq_base", 10000.0f);
    w.set_bool("flag", true);
    w.set_string_array("tokenizer.ggml.tokens", {"a", "b", "c"});
    w.set_f32_array("tokenizer.ggml.scores", {0.5f, -1.0f, 2.0f});
    std::vector<uint8_t> f32(4 * 32 * 2);
    for (size_t i = 0; i < f32.size(); ++i) f32[i] = static_cast<uint8_t>(i);
    w.add_tensor("a.weight", chord::TensorType::F32, {32, 2}, f32);
    w.add_tensor("b.weight", chord::TensorType::Q8_0, {64, 1}, std::vector<uint8_t>(68, 1));
    return w.to_bytes();
}

template <typename T> void put(std::vector<uint8_t>& b, size_t at, T v) { std::memcpy(b.data() + at, &v, sizeof(T)); }
// resize + memcpy, not insert: g++ 12 warns (-Warray-bounds, a false positive) on the inlined insert.
inline void append_bytes(std::vector<uint8_t>& b, const void* p, size_t n) {
    const size_t at = b.size();
    b.resize(at + n);
    std::memcpy(b.data() + at, p, n);
}
template <typename T> void append(std::vector<uint8_t>& b, T v) { append_bytes(b, &v, sizeof(T)); }
inline void append_string(std::vector<uint8_t>& b, const std::string& s) {
    append<uint64_t>(b, s.size());
    append_bytes(b, s.data(), s.size());
}

// Where s first occurs in b. Edits are placed by the names they follow; a missing one means the file above
// changed, and writing at a wrong offset would test nothing: stop.
inline size_t find(const std::vector<uint8_t>& b, const std::string& s) {
    for (size_t i = 0; i + s.size() <= b.size(); ++i)
        if (std::memcmp(b.data() + i, s.data(), s.size()) == 0) return i;
    std::fprintf(stderr, "small_gguf: marker %s is not in the file (the base file changed?)\n", s.c_str());
    std::abort();
}

// Field offsets in bytes(), found from the tensor names (a tensor info is: name, u32 n_dims,
// n_dims × u64 ne, u32 type, u64 offset).
struct Layout {
    std::vector<uint8_t> bytes = small_gguf::bytes();
    size_t a_info = find(bytes, "a.weight") + 8;  // n_dims of a.weight
    size_t a_ne0 = a_info + 4, a_ne1 = a_info + 12, a_type = a_info + 20, a_offset = a_info + 24;
    size_t b_info = find(bytes, "b.weight") + 8;
    size_t b_offset = b_info + 4 + 8 + 8 + 4;
    size_t b_ne0 = b_info + 4;
};

// A header with n_tensors = 0 and n_kv = 1, followed by a key and its value type: the start of a
// one-value file.
inline std::vector<uint8_t> one_value_header(const std::string& key, uint32_t type) {
    std::vector<uint8_t> b = {'G', 'G', 'U', 'F'};
    append<uint32_t>(b, 3);
    append<uint64_t>(b, 0);
    append<uint64_t>(b, 1);
    append_string(b, key);
    append<uint32_t>(b, type);
    return b;
}

}  // namespace small_gguf
