#pragma once
// Repacks a model's matrices once at load into the layout the kernel table streams fastest
// (Kernels::decode_layout, quant/row_layout.h), without keeping them resident twice: the repacked bytes go to one anonymous
// buffer and each tensor's pages of the file mapping are released right after it is copied.
#include <cstdint>

namespace chord {

class GgufFile;
struct Kernels;
struct ModelWeights;

struct RepackSummary {
    int matrices = 0;
    uint64_t bytes = 0;
};

// Repacks every layer matrix and the output matrix that the table reads interleaved (and whose row count
// is a multiple of the layout's group); leaves the token embedding alone (looked up by row), and an output tied to it.
// When the buffer cannot be had, nothing is repacked (the model is used as mapped) and the summary is empty.
RepackSummary repack_weights(ModelWeights& weights, const GgufFile& file, const Kernels& kernels);

}  // namespace chord
