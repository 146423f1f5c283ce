// Chooses the kernel table once, from the CPU's features and CHORD_SIMD.
#include <atomic>
#include <cstdlib>
#include <string>

#include <spdlog/spdlog.h>

#include "kernels/attention_tables.h"
#include "kernels/cpu_features.h"
#include "kernels/kernels.h"

namespace chord {

// An ISA folder that is not compiled for this architecture has no table.
#if !defined(CHORD_HAVE_AVX2_KERNELS)
const Kernels* avx2_kernels() { return nullptr; }
const AttentionKernels* avx2_attention_kernels() { return nullptr; }
#endif
#if !defined(CHORD_HAVE_AVX512_KERNELS)
const Kernels* avx512_kernels() { return nullptr; }
const AttentionKernels* avx512_attention_kernels() { return nullptr; }
#endif
#if !defined(CHORD_HAVE_NEON_KERNELS)
const Kernels* neon_kernels() { return nullptr; }
const AttentionKernels* neon_attention_kernels() { return nullptr; }
#endif

const Kernels* kernels_for(SimdLevel level) {
    const CpuFeatures& cpu = cpu_features();
    switch (level) {
        case SimdLevel::Scalar: return scalar_kernels();
        case SimdLevel::Avx2: return cpu.has_avx2_level() ? avx2_kernels() : nullptr;
        case SimdLevel::Avx512: return cpu.has_avx512_level() && cpu.avx512vnni ? avx512_kernels() : nullptr;
        case SimdLevel::Neon: return cpu.neon ? neon_kernels() : nullptr;
    }
    return nullptr;
}

const AttentionKernels* attention_kernels_for(SimdLevel level) {
    if (!kernels_for(level)) return nullptr;  // same CPU requirements as the matmul table
    switch (level) {
        case SimdLevel::Scalar: return nullptr;
        case SimdLevel::Avx2: return avx2_attention_kernels();
        case SimdLevel::Avx512: return avx512_attention_kernels();
        case SimdLevel::Neon: return neon_attention_kernels();
    }
    return nullptr;
}

namespace {

std::atomic<const Kernels*> g_selected{nullptr};

const Kernels* best_available() {
    for (SimdLevel level : {SimdLevel::Avx512, SimdLevel::Avx2, SimdLevel::Neon})
        if (const Kernels* k = kernels_for(level)) return k;
    return scalar_kernels();
}

const Kernels* choose(const std::string& wanted) {
    if (wanted.empty() || wanted == "auto") return best_available();
    const Kernels* k = nullptr;
    if (wanted == "scalar") k = kernels_for(SimdLevel::Scalar);
    else if (wanted == "avx2") k = kernels_for(SimdLevel::Avx2);
    else if (wanted == "avx512") k = kernels_for(SimdLevel::Avx512);
    else if (wanted == "neon") k = kernels_for(SimdLevel::Neon);
    else {
        spdlog::warn("unknown SIMD level '{}' (expected auto, scalar, avx2, avx512 or neon): using the best available",
                     wanted);
        return best_available();
    }
    if (!k) {
        const Kernels* best = best_available();
        spdlog::warn("this CPU (features: {}) cannot run SIMD level '{}': using {}", cpu_features().describe(), wanted,
                     best->name);
        return best;
    }
    return k;
}

}  // namespace

const Kernels& kernels() {
    const Kernels* k = g_selected.load(std::memory_order_acquire);
    if (!k) {
        const char* env = std::getenv("CHORD_SIMD");
        k = choose(env ? env : "auto");
        g_selected.store(k, std::memory_order_release);
        spdlog::debug("kernels: {} (CPU features: {})", k->name, cpu_features().describe());
    }
    return *k;
}

const Kernels& select_kernels(const std::string& level) {
    const Kernels* k = choose(level);
    g_selected.store(k, std::memory_order_release);
    return *k;
}

}  // namespace chord
