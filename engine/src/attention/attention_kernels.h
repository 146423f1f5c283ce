#pragma once
// The inner loops of both attention backends, behind a table of function pointers so SIMD versions
// (AVX2/AVX-512/NEON, compiled in their own kernels/<isa>/ units) can replace the scalar ones without
// touching the backends. The backends only ever call through this table.
//
// Arithmetic contract every implementation keeps (so flash and standard agree to 1e-5 relative and the
// result stays independent of the thread count): f32 products and sums; F16 inputs are widened to f32
// exactly; the summation order inside one call may differ between ISAs.
#include <cstdint>
#include <vector>

namespace chord {

struct AttentionKernels {
    const char* name = "Scalar";

    // Σ a[i]·b[i] over n floats (q·k with an F32 cache).
    float (*dot_f32)(const float* a, const float* b, int n) = nullptr;
    // Σ a[i]·f32(b[i]), b F16 bits (q·k with an F16 cache; a already holds F16-representable values).
    float (*dot_f32_f16)(const float* a, const uint16_t* b, int n) = nullptr;
    // y[i] += a·x[i] (weighted add of a V row into an output accumulator).
    void (*axpy_f32)(float* y, float a, const float* x, int n) = nullptr;
    void (*axpy_f16)(float* y, float a, const uint16_t* x, int n) = nullptr;
    // y[i] *= a (rescaling the flash accumulator when the running max grows).
    void (*scale_f32)(float* y, float a, int n) = nullptr;
    // dst[i] = f32(src[i]) (a K/V row of an F16 cache, widened once per key tile).
    void (*f16_to_f32)(const uint16_t* src, float* dst, int n) = nullptr;
    // dst[i] = f32(f16(src[i])): the query as llama.cpp sees it before q·k on an F16 cache.
    void (*round_through_f16)(const float* src, float* dst, int n) = nullptr;
    // s[i] = exp(s[i] - max) for n scores (-inf gives 0); returns Σ s[i] summed in double, as ggml's
    // softmax does.
    double (*exp_shifted)(float* s, int n, float max) = nullptr;
};

// The portable reference implementation, available everywhere.
const AttentionKernels& scalar_attention_kernels();
// The table the backends use by default: the SIMD table of the dispatched kernel level
// (kernels/kernels.h; kernels/<isa>/attention_<isa>.cpp), or the scalar one.
const AttentionKernels& default_attention_kernels();
// Every table this CPU can run (tests compare each with the reference).
std::vector<const AttentionKernels*> available_attention_kernels();

}  // namespace chord
