// The public row encoder (chord/quantize.h): length checks, then the registry's reference code.
#include <string>

#include "chord/error.h"
#include "chord/quantize.h"
#include "quant/quant.h"

namespace chord {

namespace {

void check_lengths(TensorType type, size_t elements, size_t bytes, const char* what) {
    const TensorTypeInfo* info = tensor_type_info(type);
    if (!info || info->block_elems <= 0)
        throw Error(ErrorKind::Unsupported, std::string(what) + ": unknown tensor type");
    if (elements % static_cast<size_t>(info->block_elems) != 0)
        throw Error(ErrorKind::InvalidArgument, std::string(what) + ": " + std::to_string(elements) +
                                                    " elements is not a multiple of " + std::string(info->name) +
                                                    "'s block of " + std::to_string(info->block_elems));
    if (bytes != row_bytes(type, static_cast<int64_t>(elements)))
        throw Error(ErrorKind::InvalidArgument, std::string(what) + ": byte buffer does not match " +
                                                    std::to_string(elements) + " " + std::string(info->name) +
                                                    " elements");
}

}  // namespace

void encode_row(TensorType type, std::span<const float> src, std::span<uint8_t> dst) {
    check_lengths(type, src.size(), dst.size(), "encode_row");
    if (!src.empty()) quantize_row(type, src.data(), dst.data(), static_cast<int64_t>(src.size()));
}

void decode_row(TensorType type, std::span<const uint8_t> src, std::span<float> dst) {
    check_lengths(type, dst.size(), src.size(), "decode_row");
    if (!dst.empty()) dequantize_row(type, src.data(), dst.data(), static_cast<int64_t>(dst.size()));
}

}  // namespace chord
