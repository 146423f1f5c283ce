// Kernel dispatch: the probed features agree with what the kernel tables need, the best table is
// chosen by default, a forced level works when the CPU has it and falls back (to the best) when not,
// and every table carries the human name the app shows.
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "chord_test.h"
#include "kernels/cpu_features.h"
#include "kernels/kernels.h"

namespace {

// The CPU flags Linux reports in /proc/cpuinfo (x86), an oracle independent of our cpuid code.
[[maybe_unused]] std::set<std::string> proc_cpuinfo_flags() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("flags", 0) != 0) continue;
        std::istringstream words(line.substr(line.find(':') + 1));
        std::set<std::string> flags;
        for (std::string w; words >> w;) flags.insert(w);
        return flags;
    }
    return {};
}

const chord::Kernels* best_expected() {
    for (auto level : {chord::SimdLevel::Avx512, chord::SimdLevel::Avx2, chord::SimdLevel::Neon})
        if (const chord::Kernels* k = chord::kernels_for(level)) return k;
    return chord::scalar_kernels();
}

}  // namespace

class TestDispatch : public QObject {
    Q_OBJECT
private slots:
    void featuresMatchProcCpuinfo();
    void tablesHaveTheirNames();
    void autoPicksTheBest();
    void forcedLevelsAndFallback();
};

void TestDispatch::featuresMatchProcCpuinfo() {
#if defined(__x86_64__) && defined(__linux__)
    const std::set<std::string> flags = proc_cpuinfo_flags();
    if (flags.empty()) QSKIP("no /proc/cpuinfo flags");
    const chord::CpuFeatures& f = chord::cpu_features();
    // The kernel reports a flag only when the OS supports its register state, like our xgetbv check.
    QCOMPARE(f.avx2, flags.count("avx2") == 1);
    QCOMPARE(f.fma, flags.count("fma") == 1);
    QCOMPARE(f.f16c, flags.count("f16c") == 1);
    QCOMPARE(f.avx512f, flags.count("avx512f") == 1);
    QCOMPARE(f.avx512bw, flags.count("avx512bw") == 1);
    QCOMPARE(f.avx512vl, flags.count("avx512vl") == 1);
    QCOMPARE(f.avx512vnni, flags.count("avx512_vnni") == 1);
    QCOMPARE(f.avx512bf16, flags.count("avx512_bf16") == 1);
    QCOMPARE(f.avx_vnni, flags.count("avx_vnni") == 1);
    QCOMPARE(chord::kernels_for(chord::SimdLevel::Avx2) != nullptr,
             flags.count("avx2") && flags.count("fma") && flags.count("f16c"));
    QVERIFY(chord::kernels_for(chord::SimdLevel::Neon) == nullptr);
#elif defined(__aarch64__)
    QVERIFY(chord::cpu_features().neon);
    QVERIFY(chord::kernels_for(chord::SimdLevel::Neon) != nullptr);
    QVERIFY(chord::kernels_for(chord::SimdLevel::Avx2) == nullptr);
#else
    QSKIP("no feature oracle for this architecture");
#endif
}

void TestDispatch::tablesHaveTheirNames() {
    QCOMPARE(std::string(chord::scalar_kernels()->name), std::string("Scalar"));
    if (const chord::Kernels* k = chord::kernels_for(chord::SimdLevel::Avx2)) {
        QCOMPARE(std::string(k->name), std::string("AVX2+FMA"));
        QVERIFY(k->level == chord::SimdLevel::Avx2);
    }
    if (const chord::Kernels* k = chord::kernels_for(chord::SimdLevel::Avx512)) {
        QCOMPARE(std::string(k->name), std::string("AVX-512 VNNI"));
        QVERIFY(k->level == chord::SimdLevel::Avx512);
    }
    if (const chord::Kernels* k = chord::kernels_for(chord::SimdLevel::Neon)) {
        QVERIFY(std::string(k->name).rfind("NEON", 0) == 0);
        QVERIFY(k->level == chord::SimdLevel::Neon);
    }
}

void TestDispatch::autoPicksTheBest() {
    QCOMPARE(&chord::select_kernels("auto"), best_expected());
    QCOMPARE(&chord::kernels(), best_expected());
}

void TestDispatch::forcedLevelsAndFallback() {
    QCOMPARE(&chord::select_kernels("scalar"), chord::scalar_kernels());
    QCOMPARE(&chord::kernels(), chord::scalar_kernels());
    for (auto [name, level] : {std::pair{"avx2", chord::SimdLevel::Avx2}, std::pair{"avx512", chord::SimdLevel::Avx512},
                               std::pair{"neon", chord::SimdLevel::Neon}}) {
        const chord::Kernels* available = chord::kernels_for(level);
        const chord::Kernels& chosen = chord::select_kernels(name);
        // Available: exactly that table; missing on this CPU: the best one instead (with a warning).
        QCOMPARE(&chosen, available ? available : best_expected());
    }
    QCOMPARE(&chord::select_kernels("no-such-level"), best_expected());
    chord::select_kernels("auto");
}

CHORD_TEST_MAIN(TestDispatch, featuresMatchProcCpuinfo, tablesHaveTheirNames, autoPicksTheBest, forcedLevelsAndFallback)
#ifndef CHORD_TEST_NO_QT
#include "test_dispatch.moc"
#endif
