#include <string>

#include "chord/error.h"
#include "quant/formats.h"
#include "quant/quant.h"

namespace chord {

const QuantFormat* quant_format(TensorType type) {
    // Each format file defines its QuantFormat; this table is the one place that lists them.
    static const QuantFormat* const kFormats[] = {
        &kFormatF32,  &kFormatF16,  &kFormatBF16, &kFormatQ8_0, &kFormatQ4_0,   &kFormatQ8_1,
        &kFormatQ4_1, &kFormatQ5_0, &kFormatQ5_1, &kFormatQ8_K, &kFormatQ2_K,   &kFormatQ3_K,
        &kFormatQ4_K, &kFormatQ5_K, &kFormatQ6_K, &kFormatIQ4_NL, &kFormatIQ4_XS,
    };
    for (const QuantFormat* f : kFormats)
        if (f->type == type) return f;
    return nullptr;
}

static const QuantFormat& require_format(TensorType type) {
    const QuantFormat* f = quant_format(type);
    if (!f) throw Error(ErrorKind::Unsupported, "tensor type " + std::string(tensor_type_name(type)) + " is not supported");
    return *f;
}

void dequantize_row(TensorType type, const void* src, float* dst, int64_t n) {
    require_format(type).dequantize_row(src, dst, n);
}

void quantize_row(TensorType type, const float* src, void* dst, int64_t n) {
    const QuantFormat& f = require_format(type);
    if (!f.quantize_row) throw Error(ErrorKind::Unsupported, "no quantizer for " + std::string(tensor_type_name(type)));
    f.quantize_row(src, dst, n);
}

}  // namespace chord
