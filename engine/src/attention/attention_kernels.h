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
    // softmax does (the AVX-512 table in ggml's exact order: each 16-score block summed in float, then
    // added in double, so s must start at a key index that is a multiple of 16).
    double (*exp_shifted)(float* s, int n, float max) = nullptr;
    // out[d] = Σ_{j < n} p[j]·v[j·v_stride + d] for d < head_dim (P·V on an F32 cache; keys with p[j] = 0
    // are skipped), summed in the order of ggml's mul_mat(Vᵀ, P): partial sums per key index mod `lanes`,
    // each a chain of fused multiply-adds in key order, then combined as the ggml kernel reduces its
    // registers. lanes = 64 is ggml_vec_dot_f32 (one query row), 16 is llamafile's tinyBLAS (a batch).
    // p[0] must be a key whose index is a multiple of 64.
    void (*weighted_sum_f32)(float* out, const float* p, const float* v, int64_t v_stride, int n, int head_dim,
                             int lanes) = nullptr;

    // Optional multi-key forms for an F16 cache (nullptr: the backends loop over the single-key kernels).
    // Each must give exactly the bits of that loop, keeping the query / accumulator in registers:
    //   out[j] = dot_f32_f16(q, rows[j], n) for j < n_rows;
    //   for j < n_rows in order, if p[j] != 0: axpy_f16(acc, p[j], rows[j], n).
    void (*dot_rows_f16)(const float* q, const uint16_t* const* rows, int n_rows, int n, float* out) = nullptr;
    void (*axpy_rows_f16)(float* acc, const float* p, const uint16_t* const* rows, int n_rows, int n) = nullptr;
};

// The portable weighted_sum_f32 (also what the AVX2 and NEON tables use).
void weighted_sum_f32_reference(float* out, const float* p, const float* v, int64_t v_stride, int n, int head_dim,
                                int lanes);
// llama.cpp's order for P·V: tinyBLAS for a batch whose head_dim it accepts, else ggml_vec_dot_f32.
inline int weighted_sum_lanes(int n_queries, int head_dim) { return n_queries >= 2 && head_dim % 4 == 0 ? 16 : 64; }

// The portable reference implementation, available everywhere.
const AttentionKernels& scalar_attention_kernels();
// The table the backends use by default: the SIMD table of the dispatched kernel level
// (kernels/kernels.h; kernels/<isa>/attention_<isa>.cpp), or the scalar one.
const AttentionKernels& default_attention_kernels();
// Every table this CPU can run (tests compare each with the reference).
std::vector<const AttentionKernels*> available_attention_kernels();

}  // namespace chord
