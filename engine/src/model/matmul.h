#pragma once
// y = W·x for a batch of activation rows, with llama.cpp's arithmetic: each activation row is first
// converted to the weight type's vec_dot type (Q8_0 for Q4_0/Q8_0, F16 for F16, …), then every weight
// row is dotted with it. Work is split across the pool by output rows; a chunk of weight rows is
// multiplied with every token of the batch while it is in cache.
#include <cstdint>
#include <vector>

#include "model/weights.h"

namespace chord {

class ThreadPool;

// Reusable buffer for converted activations (grows to the largest batch × row seen).
struct MatmulScratch {
    std::vector<uint8_t> activations;
};

// x: [n_tokens][w.n_in], y: [n_tokens][w.n_out]
void matmul(const WeightMatrix& w, const float* x, int64_t n_tokens, float* y, ThreadPool& pool, MatmulScratch& scratch);

// Same, for several matrices that share the input (q/k/v, gate/up): converts x once.
struct MatmulTarget {
    const WeightMatrix* w;
    float* y;
};
void matmul_shared_input(const MatmulTarget* targets, int n_targets, const float* x, int64_t n_tokens, ThreadPool& pool,
                         MatmulScratch& scratch);

// One row of an embedding matrix as floats.
void embedding_row(const WeightMatrix& w, int64_t row, float* out);

}  // namespace chord
