// Flash and standard attention against a plain double-precision dot → softmax → weighted-sum reference
// written here, on many shapes (odd lengths, one query, long KV, GQA, decode after a prompt, softcap,
// sliding window, F32 and F16 cache); thread-count independence; and measured scratch: flash's does not
// grow with the context, standard's does.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "attention/attention.h"
#include "attention/attention_kernels.h"
#include "chord/error.h"
#include "chord_test.h"
#include "quant/fp16.h"
#include "threading/thread_pool.h"

namespace {

using chord::AttentionBackend;
using chord::AttentionShape;
using chord::KvType;

// Random inputs for one shape, the cache kept as F32 or F16 bits.
struct Case {
    AttentionShape shape;
    KvType kv_type = KvType::F32;
    int kv_stride = 0;
    std::vector<float> q;         // [n_q][n_head][head_dim]
    std::vector<float> k32, v32;  // [n_head_kv][kv_stride][head_dim]
    std::vector<uint16_t> k16, v16;

    const void* k() const { return kv_type == KvType::F32 ? static_cast<const void*>(k32.data()) : k16.data(); }
    const void* v() const { return kv_type == KvType::F32 ? static_cast<const void*>(v32.data()) : v16.data(); }
    // What the cache holds, as a double.
    double k_at(size_t i) const { return kv_type == KvType::F32 ? k32[i] : chord::fp16_to_fp32(k16[i]); }
    double v_at(size_t i) const { return kv_type == KvType::F32 ? v32[i] : chord::fp16_to_fp32(v16[i]); }
};

Case make_case(const AttentionShape& s, KvType type, uint64_t seed, int extra_stride = 3) {
    Case c;
    c.shape = s;
    c.kv_type = type;
    c.kv_stride = s.n_kv + extra_stride;
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
    c.q.resize(static_cast<size_t>(s.n_q) * s.n_head * s.head_dim);
    for (auto& x : c.q) x = 2.0f * uni(rng);  // sharp enough that the softmax is far from uniform
    const size_t kv = static_cast<size_t>(s.n_head_kv) * c.kv_stride * s.head_dim;
    c.k32.resize(kv);
    c.v32.resize(kv);
    for (auto& x : c.k32) x = uni(rng);
    for (auto& x : c.v32) x = uni(rng);
    for (float x : c.k32) c.k16.push_back(chord::fp32_to_fp16(x));
    for (float x : c.v32) c.v16.push_back(chord::fp32_to_fp16(x));
    return c;
}

// The definition, in double: for every head and query, scores over the visible keys, softmax, Σ p·v.
// With an F16 cache the query is rounded to F16 first (llama.cpp converts Q before q·k).
std::vector<double> reference_attention(const Case& c) {
    const AttentionShape& s = c.shape;
    const int group = s.n_head / s.n_head_kv;
    std::vector<double> out(c.q.size(), 0.0);
    for (int i = 0; i < s.n_q; ++i) {
        const int pos = s.pos0 + i;
        const int first = s.window > 0 ? std::max(0, pos - s.window + 1) : 0;
        for (int h = 0; h < s.n_head; ++h) {
            const size_t q_off = (static_cast<size_t>(i) * s.n_head + h) * s.head_dim;
            const size_t kv_head_off = static_cast<size_t>(h / group) * c.kv_stride * s.head_dim;
            std::vector<double> scores;
            for (int j = first; j <= pos; ++j) {
                double d = 0.0;
                for (int e = 0; e < s.head_dim; ++e) {
                    const float qe = c.q[q_off + e];
                    const double q = c.kv_type == KvType::F16 ? chord::fp16_to_fp32(chord::fp32_to_fp16(qe)) : qe;
                    d += q * c.k_at(kv_head_off + static_cast<size_t>(j) * s.head_dim + e);
                }
                d *= s.scale;
                if (s.softcap > 0.0f) d = s.softcap * std::tanh(d / s.softcap);
                scores.push_back(d);
            }
            const double m = *std::max_element(scores.begin(), scores.end());
            double sum = 0.0;
            for (double& x : scores) sum += (x = std::exp(x - m));
            for (int j = first; j <= pos; ++j) {
                const double p = scores[static_cast<size_t>(j - first)] / sum;
                for (int e = 0; e < s.head_dim; ++e)
                    out[q_off + e] += p * c.v_at(kv_head_off + static_cast<size_t>(j) * s.head_dim + e);
            }
        }
    }
    return out;
}

std::vector<float> run_backend(AttentionBackend backend, const Case& c, int threads,
                               const chord::AttentionKernels& kernels = chord::default_attention_kernels()) {
    chord::ThreadPool pool(threads);
    auto attention = chord::make_attention(backend);
    attention->set_kernels(kernels);
    std::vector<float> out(c.q.size(), std::nanf(""));
    chord::AttentionArgs args;
    args.shape = c.shape;
    args.q = c.q.data();
    args.k = c.k();
    args.v = c.v();
    args.kv_type = c.kv_type;
    args.kv_stride = c.kv_stride;
    args.out = out.data();
    attention->run(args, pool);
    return out;
}

double relative_error(const std::vector<float>& got, const std::vector<double>& ref) {
    double max_diff = 0.0, max_ref = 0.0;
    for (size_t i = 0; i < ref.size(); ++i) {
        if (!std::isfinite(got[i])) return INFINITY;
        max_diff = std::max(max_diff, std::abs(got[i] - ref[i]));
        max_ref = std::max(max_ref, std::abs(ref[i]));
    }
    return max_diff / max_ref;
}

AttentionShape shape(int n_q, int n_kv, int n_head, int n_head_kv, int head_dim, int pos0, float softcap = 0.0f,
                     int window = 0) {
    AttentionShape s;
    s.n_q = n_q;
    s.n_kv = n_kv;
    s.n_head = n_head;
    s.n_head_kv = n_head_kv;
    s.head_dim = head_dim;
    s.pos0 = pos0;
    s.scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
    s.softcap = softcap;
    s.window = window;
    return s;
}

std::string fmt_err(double e) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", e);
    return buf;
}

std::string describe(const AttentionShape& s, KvType t) {
    return "n_q=" + std::to_string(s.n_q) + " n_kv=" + std::to_string(s.n_kv) + " heads=" + std::to_string(s.n_head) +
           "/" + std::to_string(s.n_head_kv) + " hd=" + std::to_string(s.head_dim) + " pos0=" +
           std::to_string(s.pos0) + " softcap=" + std::to_string(s.softcap) + " window=" + std::to_string(s.window) +
           (t == KvType::F16 ? " f16" : " f32");
}

std::vector<AttentionShape> test_shapes() {
    return {
        shape(1, 1, 1, 1, 64, 0),             // a single token
        shape(7, 7, 4, 4, 32, 0),             // odd prompt, no GQA
        shape(1, 4097, 8, 2, 64, 4096),       // decode after a long prompt, GQA 4
        shape(13, 50, 8, 1, 40, 37),          // GQA 8, odd head_dim, prompt continues a cache
        shape(33, 100, 4, 2, 128, 67),        // GQA 2
        shape(65, 130, 8, 4, 64, 65),         // crosses key tiles and row blocks
        shape(3, 200, 6, 6, 24, 150),         // n_kv beyond the last query (stale cache rows masked)
        shape(5, 300, 4, 1, 64, 295, 5.0f),   // softcap (gemma2)
        shape(20, 200, 4, 2, 64, 180, 0.0f, 32),     // sliding window
        shape(70, 70, 2, 1, 16, 0, 3.0f, 17),        // window and softcap from position 0
        shape(1, 1000, 4, 4, 64, 999, 0.0f, 100),    // decode with a window
    };
}

}  // namespace

class TestAttention : public QObject {
    Q_OBJECT
private slots:
    void matchesReferenceF32Cache();
    void matchesReferenceF16Cache();
    void sameResultForOneAndManyThreads();
    void flashScratchDoesNotGrowWithContext();
    void scratchBytesReportsWhatIsAllocated();
    void rejectsInconsistentShapes();
};

namespace {

// On every kernel table this CPU runs (printed by name), both backends, every shape.
void check_against_reference(KvType type) {
    uint64_t seed = type == KvType::F32 ? 1 : 1001;
    for (const AttentionShape& s : test_shapes()) {
        const Case c = make_case(s, type, seed++);
        const auto ref = reference_attention(c);
        for (const chord::AttentionKernels* kernels : chord::available_attention_kernels()) {
            for (AttentionBackend backend : {AttentionBackend::Flash, AttentionBackend::Standard}) {
                const double err = relative_error(run_backend(backend, c, 2, *kernels), ref);
                const std::string msg = std::string(kernels->name) + " " +
                                        (backend == AttentionBackend::Flash ? "flash " : "standard ") +
                                        describe(s, type) + ": max|d|/max|ref| = " + fmt_err(err);
                QVERIFY2(err <= 1e-5, msg.c_str());
            }
        }
    }
    for (const chord::AttentionKernels* kernels : chord::available_attention_kernels())
        std::printf("attention kernels checked: %s\n", kernels->name);
}

}  // namespace

void TestAttention::matchesReferenceF32Cache() { check_against_reference(KvType::F32); }

void TestAttention::matchesReferenceF16Cache() { check_against_reference(KvType::F16); }

void TestAttention::sameResultForOneAndManyThreads() {
    uint64_t seed = 77;
    for (const AttentionShape& s : test_shapes()) {
        for (KvType type : {KvType::F32, KvType::F16}) {
            const Case c = make_case(s, type, seed++);
            for (AttentionBackend backend : {AttentionBackend::Flash, AttentionBackend::Standard}) {
                const auto one = run_backend(backend, c, 1);
                for (int threads : {2, 3}) {
                    const auto many = run_backend(backend, c, threads);
                    const bool same = std::memcmp(one.data(), many.data(), one.size() * sizeof(float)) == 0;
                    QVERIFY2(same, describe(s, type).c_str());
                }
            }
        }
    }
}

void TestAttention::flashScratchDoesNotGrowWithContext() {
    chord::ThreadPool pool(2);
    for (int n_q : {1, 32}) {
        std::vector<size_t> flash_peaks, standard_peaks;
        for (int n_kv : {512, 2048, 8192}) {
            const Case c = make_case(shape(n_q, n_kv, 4, 2, 64, n_kv - n_q), KvType::F16, static_cast<uint64_t>(n_kv));
            for (AttentionBackend backend : {AttentionBackend::Flash, AttentionBackend::Standard}) {
                auto attention = chord::make_attention(backend);
                std::vector<float> out(c.q.size());
                chord::AttentionArgs args{c.shape, c.q.data(), c.k(), c.v(), c.kv_type, c.kv_stride, out.data()};
                attention->run(args, pool);
                (backend == AttentionBackend::Flash ? flash_peaks : standard_peaks)
                    .push_back(attention->peak_allocated_bytes());
            }
        }
        QVERIFY(flash_peaks[0] > 0);
        QCOMPARE(flash_peaks[1], flash_peaks[0]);
        QCOMPARE(flash_peaks[2], flash_peaks[0]);
        QVERIFY(standard_peaks[0] < standard_peaks[1]);
        QVERIFY(standard_peaks[1] < standard_peaks[2]);
        // The score matrix alone: n_head · n_q · n_kv floats.
        QVERIFY(standard_peaks[2] >= size_t{4} * n_q * 8192 * sizeof(float));
    }
}

void TestAttention::scratchBytesReportsWhatIsAllocated() {
    for (int threads : {1, 2}) {
        chord::ThreadPool pool(threads);
        for (const AttentionShape& s : test_shapes()) {
            const Case c = make_case(s, KvType::F32, 5);
            for (AttentionBackend backend : {AttentionBackend::Flash, AttentionBackend::Standard}) {
                auto attention = chord::make_attention(backend);
                QCOMPARE(attention->backend(), backend);
                QCOMPARE(attention->peak_allocated_bytes(), size_t{0});
                std::vector<float> out(c.q.size());
                chord::AttentionArgs args{c.shape, c.q.data(), c.k(), c.v(), c.kv_type, c.kv_stride, out.data()};
                attention->run(args, pool);
                QCOMPARE(attention->peak_allocated_bytes(), attention->scratch_bytes(s, threads));
                // A second call of the same shape allocates nothing more.
                attention->run(args, pool);
                QCOMPARE(attention->peak_allocated_bytes(), attention->scratch_bytes(s, threads));
            }
        }
    }
}

void TestAttention::rejectsInconsistentShapes() {
    chord::ThreadPool pool(1);
    const Case c = make_case(shape(4, 8, 4, 2, 16, 4), KvType::F32, 9);
    std::vector<float> out(c.q.size());
    for (AttentionBackend backend : {AttentionBackend::Flash, AttentionBackend::Standard}) {
        auto attention = chord::make_attention(backend);
        chord::AttentionArgs args{c.shape, c.q.data(), c.k(), c.v(), c.kv_type, c.kv_stride, out.data()};
        args.shape.pos0 = 5;  // 5 + 4 queries > 8 keys
        QVERIFY_THROWS_EXCEPTION(chord::Error, attention->run(args, pool));
        args.shape.pos0 = 4;
        args.shape.n_head_kv = 3;  // 4 heads do not split into 3 groups
        QVERIFY_THROWS_EXCEPTION(chord::Error, attention->run(args, pool));
        args.shape.n_head_kv = 2;
        args.kv_stride = 7;  // rows of a head would overlap the next head's
        QVERIFY_THROWS_EXCEPTION(chord::Error, attention->run(args, pool));
    }
}

CHORD_TEST_MAIN(TestAttention, matchesReferenceF32Cache, matchesReferenceF16Cache, sameResultForOneAndManyThreads,
                flashScratchDoesNotGrowWithContext, scratchBytesReportsWhatIsAllocated, rejectsInconsistentShapes)
#ifndef CHORD_TEST_NO_QT
#include "test_attention.moc"
#endif
