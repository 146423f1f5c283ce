// Chooses the kernel table once, from the CPU's features and CHORD_SIMD.
#include <atomic>
#include <cstdlib>
#include <string>

#include <spdlog/spdlog.h>

#include "kernels/kernels.h"

namespace chord {

// An ISA folder that is not compiled for this architecture has no table.
#if !defined(CHORD_HAVE_AVX2_KERNELS)
const Kernels* avx2_kernels() { return nullptr; }
#endif
#if !defined(CHORD_HAVE_AVX512_KERNELS)
const Kernels* avx512_kernels() { return nullptr; }
#endif
#if !defined(CHORD_HAVE_NEON_KERNELS)
const Kernels* neon_kernels() { return nullptr; }
#endif

namespace {

std::atomic<const Kernels*> g_selected{nullptr};

const Kernels* best_available() {
    for (const Kernels* k : {avx512_kernels(), avx2_kernels(), neon_kernels()})
        if (k) return k;
    return scalar_kernels();
}

const Kernels* choose(const std::string& wanted) {
    if (wanted.empty() || wanted == "auto") return best_available();
    const Kernels* k = nullptr;
    if (wanted == "scalar") k = scalar_kernels();
    else if (wanted == "avx2") k = avx2_kernels();
    else if (wanted == "avx512") k = avx512_kernels();
    else if (wanted == "neon") k = neon_kernels();
    else {
        spdlog::warn("unknown SIMD level '{}': using the best available", wanted);
        return best_available();
    }
    if (!k) {
        const Kernels* best = best_available();
        spdlog::warn("this CPU cannot run SIMD level '{}': using {}", wanted, best->name);
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
        spdlog::debug("kernels: {}", k->name);
    }
    return *k;
}

void select_kernels(const std::string& level) { g_selected.store(choose(level), std::memory_order_release); }

}  // namespace chord
