#pragma once
// llama.cpp's quantization "mixes": which type each tensor of a model gets for a file type such as
// Q4_K_M (llama_tensor_get_type in llama.cpp's src/llama-quant.cpp, without imatrix or overrides).
// A mix keeps norms and 1-D tensors as they are, gives output.weight Q6_K in most types, and bumps
// some attn_v / ffn_down / attn_output tensors to more bits depending on the layer.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chord/tensor_type.h"

namespace chord {

// A llama.cpp file type ("ftype"): its name, the number stored in general.file_type, and the type
// most tensors get.
struct QuantPreset {
    std::string_view name;  // "Q4_K_M"
    uint32_t ftype;         // LLAMA_FTYPE_MOSTLY_Q4_K_M = 15
    TensorType main_type;   // Q4_K
};

// The presets Chord can write; nullptr for an unknown name (names are case-insensitive).
const QuantPreset* find_quant_preset(std::string_view name);
const std::vector<QuantPreset>& quant_presets();

// The model facts the mix depends on (from the GGUF metadata).
struct MixModelInfo {
    std::string arch;      // general.architecture
    int n_layer = 0;       // <arch>.block_count
    int n_head = 0;        // <arch>.attention.head_count
    int n_head_kv = 0;     // <arch>.attention.head_count_kv
    int n_expert = 0;      // <arch>.expert_count (0 for dense models)
};

struct MixTensor {
    std::string name;
    TensorType type;          // the type it has now
    std::vector<int64_t> ne;  // GGUF order, ne[0] contiguous
};

// Target type of every tensor, in the order given. The order matters as llama.cpp counts attn_v,
// ffn_down… tensors as it meets them: pass tensors in llama.cpp's order (see llama_tensor_order).
// Throws chord::Error(Unsupported) when a row length fits neither the type nor its fallback.
std::vector<TensorType> choose_tensor_types(const QuantPreset& preset, const MixModelInfo& model,
                                            const std::vector<MixTensor>& tensors);

// llama.cpp's tensor order (its loader's weights map): tensors outside "blk.N." first, then by layer
// number, each group sorted by name. Returns indices into names.
std::vector<size_t> llama_tensor_order(const std::vector<std::string>& names);

}  // namespace chord
