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

}  // namespace

class TestAttentionKernels : public QObject {
    Q_OBJECT
private slots:
    void dotProducts();
    void weightedAdds();
    void scaleAndConversions();
    void expShifted();
    void multiKeyFormsMatchSingleKeyLoops();
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

CHORD_TEST_MAIN(TestAttentionKernels, dotProducts, weightedAdds, scaleAndConversions, expShifted,
                multiKeyFormsMatchSingleKeyLoops)
#ifndef CHORD_TEST_NO_QT
#include "test_attention_kernels.moc"
#endif
