#pragma once
// ggml tensor types as numbered in GGUF files, and their block geometry.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace chord {

enum class TensorType : uint32_t {
    F32 = 0, F16 = 1, Q4_0 = 2, Q4_1 = 3, Q5_0 = 6, Q5_1 = 7, Q8_0 = 8, Q8_1 = 9,
    Q2_K = 10, Q3_K = 11, Q4_K = 12, Q5_K = 13, Q6_K = 14, Q8_K = 15,
    IQ2_XXS = 16, IQ2_XS = 17, IQ3_XXS = 18, IQ1_S = 19, IQ4_NL = 20, IQ3_S = 21, IQ2_S = 22,
    IQ4_XS = 23, I8 = 24, I16 = 25, I32 = 26, I64 = 27, F64 = 28, IQ1_M = 29, BF16 = 30,
    TQ1_0 = 34, TQ2_0 = 35, MXFP4 = 39,
};

struct TensorTypeInfo {
    std::string_view name;   // ggml's name: "Q4_0", "F16", …
    int64_t block_elems = 0; // elements per block (1 for plain float types)
    size_t block_bytes = 0;  // bytes per block
    bool supported = false;  // Chord can compute with it
};

// nullptr for a number that is not a ggml type at all.
const TensorTypeInfo* tensor_type_info(uint32_t type);
inline const TensorTypeInfo* tensor_type_info(TensorType t) { return tensor_type_info(static_cast<uint32_t>(t)); }
std::string_view tensor_type_name(TensorType t);  // "type 42" style name for unknown ones is not needed: callers check info first

// Bytes of a row of n elements; n must be a multiple of the block size (checked by callers).
inline size_t row_bytes(TensorType t, int64_t n) {
    const TensorTypeInfo* info = tensor_type_info(t);
    return static_cast<size_t>(n / info->block_elems) * info->block_bytes;
}

}  // namespace chord
