#pragma once
// Quantizes a whole F32/F16/BF16 GGUF model to a llama.cpp file type (Q4_K_M, IQ4_XS, …) the way
// llama-quantize does without an importance matrix: same per-tensor types, same bytes, tensors in
// llama.cpp's order, metadata copied with general.file_type and general.quantization_version set.
#include <functional>
#include <string>

#include "chord/gguf.h"
#include "quant_mix.h"  // same folder: also reachable from engine/tools

namespace chord {

struct ModelQuantizeOptions {
    int threads = 1;
    // Called after each tensor: (index, count, name, chosen type).
    std::function<void(size_t, size_t, const std::string&, TensorType)> on_tensor;
};

// Fills `out` with the quantized model. Throws chord::Error: Unsupported for a tensor that is
// already quantized (requantizing loses accuracy; llama-quantize refuses it too) or whose type
// Chord cannot convert.
void quantize_model(const GgufFile& in, const QuantPreset& preset, GgufWriter& out,
                    const ModelQuantizeOptions& options = {});

// The model facts quant mixes need, read from the file's metadata.
MixModelInfo mix_model_info(const GgufFile& in);

}  // namespace chord
