#pragma once
// The kernel dispatch table: one implementation per instruction set, chosen once at start-up from the
// CPU's features (or forced lower with CHORD_SIMD=scalar|avx2|avx512|neon). Every ISA's kernels live in
// their own folder, compiled with only that ISA's flags.
#include <cstddef>
#include <cstdint>
#include <string>

namespace chord {

struct WeightMatrix;

enum class SimdLevel { Scalar, Avx2, Avx512, Neon };

struct Kernels {
    SimdLevel level = SimdLevel::Scalar;
    const char* name = "Scalar";  // human name shown in the app: "AVX-512 VNNI", "AVX2+FMA", "NEON", "Scalar"

    // y[t][r] = dot(W row r, activation row t) for r in [row0, row1), t in [0, n_tokens).
    // act: n_tokens rows already converted to W's vec_dot type, act_stride bytes apart.
    // y: [n_tokens][w.n_out] floats.
    void (*gemm_rows)(const WeightMatrix& w, int64_t row0, int64_t row1, const uint8_t* act, size_t act_stride,
                      int64_t n_tokens, float* y) = nullptr;
};

// The table in use (chosen on first call).
const Kernels& kernels();
// Re-selects the table: "auto" or a level name; a level the CPU lacks falls back with a warning.
// Not thread-safe with running computations: call between loads.
void select_kernels(const std::string& level);

// Tables per ISA (defined in each ISA folder; nullptr when not compiled for this architecture).
const Kernels* scalar_kernels();
const Kernels* avx2_kernels();
const Kernels* avx512_kernels();
const Kernels* neon_kernels();

}  // namespace chord
