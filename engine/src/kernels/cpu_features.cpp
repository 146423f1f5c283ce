// CPU feature probe: cpuid + xgetbv on x86-64, getauxval(AT_HWCAP) on aarch64 Linux.
// Compiled for the baseline architecture (no ISA flags), so it runs everywhere.
#include "kernels/cpu_features.h"

#include <cstdint>

#if defined(__x86_64__) || defined(_M_X64)
#include <cpuid.h>
#elif defined(__aarch64__) && defined(__linux__)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

namespace chord {

namespace {

#if defined(__x86_64__) || defined(_M_X64)

// XCR0: which register states the OS saves on context switch (bits 1-2: SSE/AVX, 5-7: AVX-512).
uint64_t read_xcr0() {
    uint32_t lo = 0, hi = 0;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (static_cast<uint64_t>(hi) << 32) | lo;
}

CpuFeatures probe() {
    CpuFeatures f;
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return f;
    const bool osxsave = (c >> 27) & 1u;
    const bool avx = (c >> 28) & 1u;
    const bool fma = (c >> 12) & 1u;
    const bool f16c = (c >> 29) & 1u;
    if (!osxsave || !avx) return f;
    const uint64_t xcr0 = read_xcr0();
    const bool os_avx = (xcr0 & 0x6u) == 0x6u;
    const bool os_avx512 = os_avx && (xcr0 & 0xE0u) == 0xE0u;
    if (!os_avx) return f;
    f.fma = fma;
    f.f16c = f16c;
    if (__get_cpuid_max(0, nullptr) < 7) return f;
    __cpuid_count(7, 0, a, b, c, d);
    f.avx2 = (b >> 5) & 1u;
    if (os_avx512) {
        f.avx512f = (b >> 16) & 1u;
        f.avx512dq = (b >> 17) & 1u;
        f.avx512bw = (b >> 30) & 1u;
        f.avx512vl = (b >> 31) & 1u;
        f.avx512vnni = (c >> 11) & 1u;
    }
    __cpuid_count(7, 1, a, b, c, d);
    f.avx_vnni = (a >> 4) & 1u;
    if (os_avx512) f.avx512bf16 = (a >> 5) & 1u;
    return f;
}

#elif defined(__aarch64__) && defined(__linux__)

CpuFeatures probe() {
    CpuFeatures f;
    const unsigned long hw = getauxval(AT_HWCAP);
    f.neon = (hw & HWCAP_ASIMD) != 0;
    f.dotprod = (hw & HWCAP_ASIMDDP) != 0;
    f.fp16 = (hw & HWCAP_FPHP) != 0 && (hw & HWCAP_ASIMDHP) != 0;
    return f;
}

#elif defined(__aarch64__)

CpuFeatures probe() {
    CpuFeatures f;
    f.neon = true;  // Advanced SIMD is mandatory in Armv8-A; the optional extensions stay off.
    return f;
}

#else

CpuFeatures probe() { return {}; }

#endif

}  // namespace

std::string CpuFeatures::describe() const {
    std::string s;
    const auto add = [&s](bool on, const char* name) {
        if (!on) return;
        if (!s.empty()) s += ' ';
        s += name;
    };
    add(avx2, "avx2");
    add(fma, "fma");
    add(f16c, "f16c");
    add(avx512f, "avx512f");
    add(avx512bw, "avx512bw");
    add(avx512vl, "avx512vl");
    add(avx512dq, "avx512dq");
    add(avx512vnni, "avx512vnni");
    add(avx512bf16, "avx512bf16");
    add(avx_vnni, "avx-vnni");
    add(neon, "neon");
    add(dotprod, "dotprod");
    add(fp16, "fp16");
    return s.empty() ? "none" : s;
}

const CpuFeatures& cpu_features() {
    static const CpuFeatures features = probe();
    return features;
}

}  // namespace chord
