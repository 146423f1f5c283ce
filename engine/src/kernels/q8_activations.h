#pragma once
// The layout in which the SIMD tables keep activations converted to Q8_0 (for Q4_0 and Q8_0 weights).
// One contiguous buffer, every section 64-byte aligned relative to its start:
//   rows    [n_tokens][n_blocks] BlockQ8_0   ggml's rows (the scalar fallback and per-token kernels)
//   scales  [n_tokens][n_blocks] float       each block's fp16 d, widened once
//   bias8   [n_tokens][n_blocks] int32       −8·Σqs: Q4_0 nibbles enter the integer dot unsigned (q+8)
//   bias128 [n_tokens][n_blocks] int32       −128·Σqs: Q8_0 weights enter it as q+128
//   groups  [n_groups][n_blocks] Q8TokenGroupBlock   (only when grouped): 16 tokens interleaved so that
//           one 4-byte weight broadcast meets 16 tokens in one integer multiply-add (prompt processing).
// This file has no intrinsics: the ISA folders and the baseline code share it.
#include <cstddef>
#include <cstdint>

namespace chord {

constexpr int kTokenGroupLanes = 16;

// One block (32 elements) of 16 tokens. Lane l is token 16·group + l; padding tokens are all zero.
struct Q8TokenGroupBlock {
    int8_t qs[8][kTokenGroupLanes][4];  // [element quad g: elements 4g…4g+3][lane][byte]
    float d[kTokenGroupLanes];          // scales
    int32_t bias8[kTokenGroupLanes];    // −8·Σqs
    int32_t bias128[kTokenGroupLanes];  // −128·Σqs
};
static_assert(sizeof(Q8TokenGroupBlock) == 704);

struct Q8ActivationLayout {
    int64_t n_tokens = 0;
    int64_t n_blocks = 0;  // per token
    int64_t n_groups = 0;  // 0: not grouped
    size_t row_stride = 0;
    size_t rows = 0, scales = 0, bias8 = 0, bias128 = 0, groups = 0;  // section offsets
    size_t total = 0;
};

Q8ActivationLayout q8_activation_layout(int64_t n_in, int64_t n_tokens, bool grouped);

struct QuantFormat;

// How the SIMD tables hold converted activations for a weight format.
enum class SimdActivationKind {
    Q8_0,       // Q8ActivationLayout (weights whose vec_dot type is Q8_0)
    Widened,    // [n_tokens][n_in] floats, already rounded through the vec_dot type (F32, F16, BF16)
    Reference,  // rows of the vec_dot type, as the scalar table (types without SIMD kernels)
};
SimdActivationKind simd_activation_kind(const QuantFormat& w);
// Bytes for n_tokens tokens; token groups are laid out when n_tokens >= min_grouped_tokens.
size_t simd_activation_bytes(const QuantFormat& w, int64_t n_in, int64_t n_tokens, int64_t min_grouped_tokens);

// Fills scales/bias8/bias128 of tokens [t0, t1) from their rows. On entry bias8 holds each block's Σqs
// (computed by the caller's SIMD code while quantizing).
void fill_q8_block_sums(const Q8ActivationLayout& layout, uint8_t* act, int64_t t0, int64_t t1);
// Interleaves the rows of token group g into its Q8TokenGroupBlocks (needs scales and biases filled).
void pack_q8_token_group(const Q8ActivationLayout& layout, uint8_t* act, int64_t g);

}  // namespace chord
