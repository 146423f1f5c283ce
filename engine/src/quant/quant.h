#pragma once
// ggml block formats: the scalar reference code for every supported type, bit-exact with ggml.
// Each format lives in its own file (quant/q4_0.cpp, quant/q4_k.cpp, …) with its block struct
// documented byte by byte, and registers a QuantFormat in quant/registry.cpp.
//
// Matmuls follow llama.cpp's arithmetic: an activation row is first converted to the weight type's
// "vec_dot type" (F16 → F16, BF16 → BF16, Q4_0/Q5_0/Q8_0/IQ4_NL → Q8_0, Q4_1/Q5_1 → Q8_1,
// K-quants/IQ4_XS → Q8_K), then each weight row is dotted with it.
#include <cstddef>
#include <cstdint>

#include "chord/tensor_type.h"

namespace chord {

struct QuantFormat {
    TensorType type;
    TensorType vec_dot_type;  // what activations are converted to before a dot with this type
    // Scalar reference: n is a multiple of the block size.
    void (*dequantize_row)(const void* src, float* dst, int64_t n) = nullptr;
    void (*quantize_row)(const float* src, void* dst, int64_t n) = nullptr;  // ggml's *_ref quantizer
    // How llama.cpp's x86 CPU path converts an activation row to this type when it is a vec_dot type
    // (Q8_0 rounds x·127/amax half-to-even there; the reference uses x·(1/d) and roundf). nullptr: quantize_row.
    void (*quantize_activations)(const float* src, void* dst, int64_t n) = nullptr;
    // dot(weight row, activation row in vec_dot_type), n elements.
    float (*vec_dot)(const void* w, const void* act, int64_t n) = nullptr;
};

// nullptr when Chord has no code for the type.
const QuantFormat* quant_format(TensorType type);

// Convenience wrappers that throw chord::Error{Unsupported} for a type without code.
void dequantize_row(TensorType type, const void* src, float* dst, int64_t n);
void quantize_row(TensorType type, const float* src, void* dst, int64_t n);

}  // namespace chord
