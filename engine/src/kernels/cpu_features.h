#pragma once
// What this CPU can run, probed once: instruction-set extensions the processor reports AND the operating
// system has enabled (on x86 the AVX and AVX-512 register state must be saved by the OS, read from XCR0).
#include <string>

namespace chord {

struct CpuFeatures {
    // x86-64
    bool avx2 = false;
    bool fma = false;
    bool f16c = false;
    bool avx512f = false;
    bool avx512bw = false;
    bool avx512vl = false;
    bool avx512dq = false;
    bool avx512vnni = false;
    bool avx512bf16 = false;
    bool avx_vnni = false;
    // aarch64
    bool neon = false;
    bool dotprod = false;  // SDOT/UDOT (Armv8.2 dotprod)
    bool fp16 = false;     // half-precision arithmetic (FPHP + ASIMDHP)

    // What the AVX2 kernels need: AVX2 + FMA + F16C.
    bool has_avx2_level() const { return avx2 && fma && f16c; }
    // What the AVX-512 kernels need (VNNI is optional: without it they use the AVX-512BW integer path).
    bool has_avx512_level() const { return has_avx2_level() && avx512f && avx512bw && avx512vl && avx512dq; }
    std::string describe() const;  // "avx2 fma f16c avx512f …" for logs
};

// Probed on first call.
const CpuFeatures& cpu_features();

}  // namespace chord
