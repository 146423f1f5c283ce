#pragma once
// Row encoding for tools outside the engine (chord-mkmodel): float rows to ggml block formats and back,
// with the engine's reference (bit-exact with ggml) quantizers.
#include <cstdint>
#include <span>

#include "chord/tensor_type.h"

namespace chord {

// Encodes src (a multiple of the type's block size) into dst, which must hold row_bytes(type, src.size()).
// F32 copies, F16/BF16 round to nearest even, Q8_0/Q4_0/… use ggml's reference quantizer.
// Throws Error{InvalidArgument} for a bad length, Error{Unsupported} for a type Chord cannot encode.
void encode_row(TensorType type, std::span<const float> src, std::span<uint8_t> dst);

// The inverse: dst.size() elements decoded from src (row_bytes(type, dst.size()) bytes).
void decode_row(TensorType type, std::span<const uint8_t> src, std::span<float> dst);

}  // namespace chord
