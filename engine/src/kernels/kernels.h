#pragma once
// The kernel dispatch table: one implementation per instruction set, chosen once at start-up from the
// CPU's features (or forced lower with CHORD_SIMD=scalar|avx2|avx512|neon). Every ISA's kernels live in
// their own folder, compiled with only that ISA's flags; the table is the only way into them.
//
// A matmul runs in two steps, both split across the thread pool:
//   1. convert_activations: the float activations become the weight type's vec_dot type (Q8_0, F16, …,
//      see quant/quant.h) in a layout of the table's choosing (activation_bytes tells its size);
//   2. gemm_rows: every (weight row, token) dot product of a range of rows, reading that layout.
#include <cstddef>
#include <cstdint>
#include <string>

#include "chord/tensor_type.h"
#include "quant/row_layout.h"

namespace chord {

struct WeightMatrix;
struct QuantFormat;

enum class SimdLevel { Scalar, Avx2, Avx512, Neon };

// convert_activations works on whole groups of this many tokens (the last group may be partial), so
// that tables which interleave tokens can convert disjoint groups on different threads.
constexpr int64_t kActivationTokenGroup = 16;

struct Kernels {
    SimdLevel level = SimdLevel::Scalar;
    const char* name = "Scalar";  // human name shown in the app: "AVX-512 VNNI", "AVX2+FMA", "NEON", "Scalar"

    // Bytes of converted activations for n_tokens rows of n_in elements, for weights of format w.
    size_t (*activation_bytes)(const QuantFormat& w, int64_t n_in, int64_t n_tokens) = nullptr;
    // Converts tokens [t0, t1) of x ([n_tokens][n_in] floats) into act (activation_bytes long).
    // t0 is a multiple of kActivationTokenGroup; t1 is one too, or n_tokens.
    void (*convert_activations)(const QuantFormat& w, const float* x, int64_t n_in, int64_t n_tokens, int64_t t0,
                                int64_t t1, uint8_t* act) = nullptr;
    // y[t][r] = dot(W row r, activation row t) for r in [row0, row1), t in [0, n_tokens).
    // y: [n_tokens][w.n_out] floats.
    void (*gemm_rows)(const WeightMatrix& w, int64_t row0, int64_t row1, const uint8_t* act, int64_t n_tokens,
                      float* y) = nullptr;
    // gate[i] = gate[i] / (1 + e^(−gate[i])) · up[i]  (SiLU·mul of the feed-forward block; SIMD tables use a
    // vector exp within ~1 ulp of std::exp, as ggml's own vector SiLU does).
    void (*silu_mul)(float* gate, const float* up, int64_t n) = nullptr;
    // The layout gemm_rows reads matrices of this type fastest in (quant/row_layout.h): the model's
    // matrices are repacked to it at load. gemm_rows reads RowMajor too. nullptr: RowMajor for every type.
    RowLayout (*decode_layout)(TensorType type) = nullptr;
};

// The table in use (chosen on first call from CHORD_SIMD, or the best this CPU runs).
const Kernels& kernels();
// Re-selects the table: "auto" or a level name ("scalar", "avx2", "avx512", "neon"); a level this CPU
// (or this build) lacks falls back to the best available with a warning. Returns the table chosen.
// Not thread-safe with running computations: call between loads.
const Kernels& select_kernels(const std::string& level);
// The table for a level if this build has it and this CPU runs it, else nullptr (tests loop over these).
const Kernels* kernels_for(SimdLevel level);

// Tables per ISA (defined in each ISA folder; nullptr when the folder is not compiled for this
// architecture). They do not check the CPU: use kernels_for().
const Kernels* scalar_kernels();
const Kernels* avx2_kernels();
const Kernels* avx512_kernels();
const Kernels* neon_kernels();

}  // namespace chord
