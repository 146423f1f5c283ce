#pragma once
// y = W·x for a batch of activation rows, with llama.cpp's arithmetic: each activation row is first
// converted to the weight type's vec_dot type (Q8_0 for Q4_0/Q8_0, F16 for F16, …), then every weight
// row is dotted with it. Both steps run on the dispatched kernel table (kernels/kernels.h) and are split
// across the pool: conversion by groups of tokens, the products by chunks of output rows. A chunk of
// weight rows is multiplied with every token of the batch while it is in cache.
#include <cstdint>
#include <memory>

#include "model/weights.h"

namespace chord {

class ThreadPool;

// A growable 64-byte aligned byte buffer (SIMD kernels load whole cache lines from it).
class AlignedBuffer {
public:
    uint8_t* reserve(size_t bytes);  // contents are not kept when it grows
    size_t capacity() const { return size_; }

private:
    struct FreeAligned {
        void operator()(uint8_t* p) const;
    };
    std::unique_ptr<uint8_t, FreeAligned> data_;
    size_t size_ = 0;
};

// Reusable buffer for converted activations (grows to the largest batch × row seen).
struct MatmulScratch {
    AlignedBuffer activations;
};

// x: [n_tokens][w.n_in], y: [n_tokens][w.n_out]
void matmul(const WeightMatrix& w, const float* x, int64_t n_tokens, float* y, ThreadPool& pool, MatmulScratch& scratch);

// Same, for several matrices that share the input (q/k/v, gate/up): converts x once.
constexpr int kMaxMatmulTargets = 4;
struct MatmulTarget {
    const WeightMatrix* w;
    float* y;
};
void matmul_shared_input(const MatmulTarget* targets, int n_targets, const float* x, int64_t n_tokens, ThreadPool& pool,
                         MatmulScratch& scratch);

// One row of an embedding matrix as floats.
void embedding_row(const WeightMatrix& w, int64_t row, float* out);

}  // namespace chord
