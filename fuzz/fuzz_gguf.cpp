// Fuzzes the GGUF reader with arbitrary bytes: parse, then read every metadata value through the typed
// accessors, decode the first row of every tensor (block formats with arbitrary scales and indices) and
// build a tokenizer vocabulary from it, as Model::load does.
// A chord::Error is the expected outcome for a bad file; anything else (a crash, a sanitizer report,
// another exception type) is a bug.
#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <span>
#include <vector>

#include <spdlog/spdlog.h>

#include "chord/error.h"
#include "chord/gguf.h"
#include "chord/tokenizer.h"
#include "quant/quant.h"

namespace {

// Walks a value so every element the parser made is touched (ASan sees any bad pointer).
size_t touch(const chord::GgufValue& v, int depth = 0) {
    size_t n = 1;
    if (const std::string* s = v.as_string()) n += s->size();
    if (const chord::GgufArray* a = v.as_array())
        for (const chord::GgufValue& item : a->items) n += touch(item, depth + 1);
    (void)v.as_uint();
    (void)v.as_int();
    (void)v.as_float();
    (void)v.as_bool();
    return n;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    spdlog::set_level(spdlog::level::off);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        const auto file = chord::GgufFile::from_memory(std::span<const uint8_t>(data, size), "fuzz.gguf");
        size_t n = 0;
        for (const auto& [key, value] : file->metadata()) n += key.size() + touch(value);
        // Every tensor was checked to lie inside the image: read its first and last byte, and decode
        // its first row (up to 4096 elements, whole blocks) as the forward pass would.
        std::vector<float> row;
        for (const chord::GgufTensor& t : file->tensors()) {
            if (t.nbytes == 0) continue;
            n += t.data[0] + t.data[t.nbytes - 1];
            const int64_t block = chord::tensor_type_info(static_cast<uint32_t>(t.type))->block_elems;
            const int64_t elems = std::min<int64_t>(t.ne[0], 4096) / block * block;
            row.resize(static_cast<size_t>(elems));
            if (elems > 0 && chord::quant_format(t.type)) chord::dequantize_row(t.type, t.data, row.data(), elems);
        }
        (void)file->get_string_array("tokenizer.ggml.tokens");
        (void)file->get_float_array("tokenizer.ggml.scores");
        (void)file->get_int_array("tokenizer.ggml.token_type");
        const auto tokenizer = chord::Tokenizer::from_gguf(*file);
        const auto ids = tokenizer->encode("Hello world, héllo 🙂!", true, true);
        n += tokenizer->decode(ids).size();
        (void)n;
    } catch (const chord::Error&) {
    }
    return 0;
}
