// Every attention kernel table this CPU runs, against double-precision references written here, on
// lengths that exercise SIMD tails (1, 7, 31, 33, 255, 4097 …). The scalar table is one of them.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "attention/attention_kernels.h"
#include "chord_test.h"
#include "quant/fp16.h"

namespace {

const int kLengths[] = {1, 2, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 255, 256, 4097};

std::vector<float> random_floats(std::mt19937_64& rng, int n, float range = 1.0f) {
    std::uniform_real_distribution<float> uni(-range, range);
    std::vector<float> v(static_cast<size_t>(n));
    for (auto& x : v) x = uni(rng);
    return v;
}

std::vector<uint16_t> to_f16(const std::vector<float>& v) {
    std::vector<uint16_t> h;
    for (float x : v) h.push_back(chord::fp32_to_fp16(x));
    return h;
}

// |got - want| relative to the scale of the terms summed (a dot product's error bound is ~n·eps·Σ|a·b|).
bool close(double got, double want, double magnitude, double tol = 1e-5) {
    return std::abs(got - want) <= tol * std::max(magnitude, 1e-30);
}

std::string what(const chord::AttentionKernels& k, const char* kernel, int n) {
    return std::string(k.name) + " " + kernel + " n=" + std::to_string(n);
}

// ggml_vec_dot_f32 as llama.cpp's AVX-512 build computes it (the order attention_avx512.cpp promises):
// four 16-lane accumulators of fused multiply-adds per 64 elements, (r0 + r2) + (r1 + r3), the 16 lanes
// halved 16 → 8 → 4 → 2 → 1; then rounded products added for whole 16- and 8-element chunks, fused
// multiply-adds for the last < 8. This file is built without FMA, so each a*b here is rounded.
float ggml_avx512_dot_f32(const float* a, const float* b, int n) {
    const int n64 = n / 64 * 64;
    float sum = 0.0f;
    if (n64 > 0) {
        float acc[4][16] = {};
        for (int i = 0; i < n64; i += 64)
            for (int r = 0; r < 4; ++r)
                for (int l = 0; l < 16; ++l) acc[r][l] = std::fma(a[i + 16 * r + l], b[i + 16 * r + l], acc[r][l]);
        float v[16];
        for (int l = 0; l < 16; ++l) v[l] = (acc[0][l] + acc[2][l]) + (acc[1][l] + acc[3][l]);
        for (int width = 8; width >= 1; width /= 2)
            for (int l = 0; l < width; ++l) v[l] = v[l] + v[l + width];
        sum = v[0];
    }
    const int rest = n - n64;
    const int rounded_end = n64 + rest / 16 * 16 + (rest % 16 >= 8 ? 8 : 0);
    for (int i = n64; i < rounded_end; ++i) sum += a[i] * b[i];
    for (int i = rounded_end; i < n; ++i) sum = std::fma(a[i], b[i], sum);
    return sum;
}

}  // namespace

class TestAttentionKernels : public QObject {
    Q_OBJECT
private slots:
    void dotProducts();
    void weightedAdds();
    void scaleAndConversions();
    void expShifted();
    void multiKeyFormsMatchSingleKeyLoops();
    void f32DotFollowsItsDocumentedOrder();
};

void TestAttentionKernels::dotProducts() {
    std::mt19937_64 rng(1);
    for (const chord::AttentionKernels* k : chord::available_attention_kernels()) {
        std::printf("attention kernels: %s\n", k->name);
        for (int n : kLengths) {
            const auto a = random_floats(rng, n), b = random_floats(rng, n);
            const auto b16 = to_f16(b);
            double want = 0.0, want16 = 0.0, magnitude = 0.0;
            for (size_t i = 0; i < a.size(); ++i) {
                want += double(a[i]) * b[i];
                want16 += double(a[i]) * chord::fp16_to_fp32(b16[i]);
                magnitude += std::abs(double(a[i]) * b[i]);
            }
            QVERIFY2(close(k->dot_f32(a.data(), b.data(), n), want, magnitude), what(*k, "dot_f32", n).c_str());
            QVERIFY2(close(k->dot_f32_f16(a.data(), b16.data(), n), want16, magnitude),
                     what(*k, "dot_f32_f16", n).c_str());
        }
    }
}

void TestAttentionKernels::weightedAdds() {
    std::mt19937_64 rng(2);
    for (const chord::AttentionKernels* k : chord::available_attention_kernels()) {
        for (int n : kLengths) {
            const auto y0 = random_floats(rng, n), x = random_floats(rng, n);
            const auto x16 = to_f16(x);
            const float a = 0.37f;
            auto y = y0, y16 = y0;
            k->axpy_f32(y.data(), a, x.data(), n);
            k->axpy_f16(y16.data(), a, x16.data(), n);
            for (size_t i = 0; i < y.size(); ++i) {
                QVERIFY2(close(y[i], y0[i] + double(a) * x[i], 2.0, 1e-6), what(*k, "axpy_f32", n).c_str());
                const double want16 = y0[i] + double(a) * chord::fp16_to_fp32(x16[i]);
                QVERIFY2(close(y16[i], want16, 2.0, 1e-6), what(*k, "axpy_f16", n).c_str());
            }
        }
    }
}

void TestAttentionKernels::scaleAndConversions() {
    std::mt19937_64 rng(3);
    for (const chord::AttentionKernels* k : chord::available_attention_kernels()) {
        for (int n : kLengths) {
            const auto x = random_floats(rng, n, 100.0f);
            auto y = x;
            k->scale_f32(y.data(), 0.25f, n);  // a power of two: exact
            for (size_t i = 0; i < y.size(); ++i) QCOMPARE(y[i], x[i] * 0.25f);

            // Conversions are exact (widening) or bit-exact with ggml's rounding (fp16.h is that reference).
            const auto h = to_f16(x);
            std::vector<float> widened(x.size()), rounded(x.size());
            k->f16_to_f32(h.data(), widened.data(), n);
            k->round_through_f16(x.data(), rounded.data(), n);
            for (size_t i = 0; i < x.size(); ++i) {
                QCOMPARE(widened[i], chord::fp16_to_fp32(h[i]));
                QCOMPARE(rounded[i], chord::fp16_to_fp32(h[i]));
            }
        }
    }
}

void TestAttentionKernels::expShifted() {
    std::mt19937_64 rng(4);
    for (const chord::AttentionKernels* k : chord::available_attention_kernels()) {
        for (int n : kLengths) {
            auto s = random_floats(rng, n, 20.0f);
            s[0] = -std::numeric_limits<float>::infinity();  // a masked key
            const float max = 20.0f;
            const auto original = s;
            const double sum = k->exp_shifted(s.data(), n, max);
            double want_sum = 0.0;
            for (size_t i = 0; i < s.size(); ++i) {
                const double arg = double(original[i]) - max;
                const double want = std::exp(arg);
                want_sum += want;
                // f32 rounding of s - max (half an ulp of |arg|) turns into that relative error of exp.
                const double tol = 1e-6 + std::ldexp(1.0, -24) * (std::isfinite(arg) ? std::abs(arg) : 0.0);
                QVERIFY2(close(s[i], want, want, tol), what(*k, "exp_shifted", n).c_str());
            }
            QCOMPARE(s[0], 0.0f);
            QVERIFY2(close(sum, want_sum, want_sum, 1e-5), what(*k, "exp_shifted sum", n).c_str());
        }
    }
}

// The optional multi-key kernels must give the bits of their table's single-key loop (the contract in
// attention_kernels.h), including skipped zero weights and head dims outside their fast path.
void TestAttentionKernels::multiKeyFormsMatchSingleKeyLoops() {
    std::mt19937_64 rng(5);
    for (const chord::AttentionKernels* k : chord::available_attention_kernels()) {
        for (int n : {64, 33, 128}) {
            const int n_keys = 37;
            std::vector<std::vector<uint16_t>> rows;
            std::vector<const uint16_t*> ptrs;
            for (int j = 0; j < n_keys; ++j) rows.push_back(to_f16(random_floats(rng, n)));
            for (const auto& r : rows) ptrs.push_back(r.data());
            const auto q = random_floats(rng, n);
            auto p = random_floats(rng, n_keys);
            p[3] = 0.0f;
            p[20] = 0.0f;
            if (k->dot_rows_f16) {
                std::vector<float> got(n_keys);
                k->dot_rows_f16(q.data(), ptrs.data(), n_keys, n, got.data());
                for (int j = 0; j < n_keys; ++j) {
                    const float want = k->dot_f32_f16(q.data(), ptrs[static_cast<size_t>(j)], n);
                    QVERIFY2(std::memcmp(&got[static_cast<size_t>(j)], &want, sizeof want) == 0, what(*k, "dot_rows_f16", n).c_str());
                }
            }
            if (k->axpy_rows_f16) {
                const auto acc0 = random_floats(rng, n);
                auto got = acc0, want = acc0;
                k->axpy_rows_f16(got.data(), p.data(), ptrs.data(), n_keys, n);
                for (int j = 0; j < n_keys; ++j)
                    if (p[static_cast<size_t>(j)] != 0.0f) k->axpy_f16(want.data(), p[static_cast<size_t>(j)], ptrs[static_cast<size_t>(j)], n);
                QVERIFY2(std::memcmp(got.data(), want.data(), got.size() * sizeof(float)) == 0, what(*k, "axpy_rows_f16", n).c_str());
            }
        }
    }
}

// The F32-cache q·k is the reference-test configuration: its order is part of the contract, bit for bit.
// AVX-512 follows llama.cpp's AVX-512 build; AVX2 follows the scalar table. Whether GCC fused a*b + c
// there once depended on the build flags (a sanitizer build fused it and missed llama.cpp's logits).
void TestAttentionKernels::f32DotFollowsItsDocumentedOrder() {
    std::mt19937_64 rng(6);
    const chord::AttentionKernels* scalar = nullptr;
    for (const chord::AttentionKernels* k : chord::available_attention_kernels())
        if (std::string(k->name) == "Scalar") scalar = k;
    QVERIFY(scalar);
    int checked = 0;
    for (const chord::AttentionKernels* k : chord::available_attention_kernels()) {
        const std::string name = k->name;
        if (name != "AVX-512" && name != "AVX2") continue;
        for (int n : kLengths) {
            const auto a = random_floats(rng, n), b = random_floats(rng, n);
            const float got = k->dot_f32(a.data(), b.data(), n);
            const float want = name == "AVX-512" ? ggml_avx512_dot_f32(a.data(), b.data(), n)
                                                 : scalar->dot_f32(a.data(), b.data(), n);
            QVERIFY2(std::memcmp(&got, &want, sizeof got) == 0,
                     (what(*k, "dot_f32", n) + ": " + std::to_string(got) + " vs " + std::to_string(want)).c_str());
            ++checked;
        }
    }
    if (checked == 0) QSKIP("no x86 SIMD attention table on this CPU");
}

CHORD_TEST_MAIN(TestAttentionKernels, dotProducts, weightedAdds, scaleAndConversions, expShifted,
                multiKeyFormsMatchSingleKeyLoops, f32DotFollowsItsDocumentedOrder)
#ifndef CHORD_TEST_NO_QT
#include "test_attention_kernels.moc"
#endif
