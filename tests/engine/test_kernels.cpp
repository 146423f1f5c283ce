// Matmul kernels of every table this CPU runs against the scalar reference (each format's vec_dot on
// activations converted by the format's own scalar code), with lengths that exercise tails, partial
// tiles and partial token groups.
//
// Bounds (max |Δ| / max |ref| over the whole output):
//   - Q4_0 / Q8_0: the integer block sums are exact in every table; only the float accumulation of the
//     scaled block sums is reordered (SIMD lanes vs one running sum): ≤ 1e-5.
//   - F16: every table keeps ggml's AVX-512 summation order, so results are bit-identical (0).
//   - F32 / BF16: the reference sums exact products in double, the SIMD tables in float: ≤ 1e-5.
//   - Q2_K … Q6_K, IQ4_XS, Q4_1, Q5_0, Q5_1, IQ4_NL: every table's row dot computes the same exact integers
//     and then the scalar reference's float steps (llama.cpp's x86 order), so results are bit-identical (0).
// The Q8_0 activation conversion itself must produce the reference's bytes exactly, and a matmul
// through the thread pool must give the same bits with 1 and 2 threads.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "chord_test.h"
#include "kernels/kernels.h"
#include "model/matmul.h"
#include "model/weights.h"
#include "quant/blocks.h"
#include "quant/fp16.h"
#include "quant/quant.h"
#include "threading/thread_pool.h"

namespace {

using chord::TensorType;

std::vector<const chord::Kernels*> tables() {
    std::vector<const chord::Kernels*> out;
    for (auto level : {chord::SimdLevel::Scalar, chord::SimdLevel::Avx2, chord::SimdLevel::Avx512, chord::SimdLevel::Neon})
        if (const chord::Kernels* k = chord::kernels_for(level)) out.push_back(k);
    return out;
}

std::vector<float> random_floats(size_t n, uint32_t seed, float scale) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> dist(0.0f, scale);
    std::vector<float> v(n);
    for (auto& x : v) x = dist(rng);
    return v;
}

// A weight matrix of random values quantized with the format's reference quantizer.
struct TestMatrix {
    std::vector<uint8_t> bytes;
    chord::WeightMatrix w;
    TestMatrix(TensorType type, int64_t n_in, int64_t n_out, uint32_t seed) {
        w.type = type;
        w.format = chord::quant_format(type);
        w.n_in = n_in;
        w.n_out = n_out;
        w.row_bytes = chord::row_bytes(type, n_in);
        bytes.resize(w.row_bytes * static_cast<size_t>(n_out));
        const std::vector<float> f = random_floats(static_cast<size_t>(n_in * n_out), seed, 0.05f);
        for (int64_t r = 0; r < n_out; ++r) w.format->quantize_row(&f[static_cast<size_t>(r * n_in)], &bytes[w.row_bytes * static_cast<size_t>(r)], n_in);
        w.data = bytes.data();
    }
};

// y[t][r] through the scalar reference.
std::vector<float> reference_product(const chord::WeightMatrix& w, const std::vector<float>& x, int64_t n_tokens) {
    const chord::QuantFormat* act = chord::quant_format(w.format->vec_dot_type);
    const auto convert = act->quantize_activations ? act->quantize_activations : act->quantize_row;
    std::vector<uint8_t> a(chord::row_bytes(w.format->vec_dot_type, w.n_in));
    std::vector<float> y(static_cast<size_t>(n_tokens * w.n_out));
    for (int64_t t = 0; t < n_tokens; ++t) {
        convert(&x[static_cast<size_t>(t * w.n_in)], a.data(), w.n_in);
        for (int64_t r = 0; r < w.n_out; ++r)
            y[static_cast<size_t>(t * w.n_out + r)] = w.format->vec_dot(w.row(r), a.data(), w.n_in);
    }
    return y;
}

// y through one table, rows computed in two uneven ranges (as the pool's chunks would).
std::vector<float> table_product(const chord::Kernels& k, const chord::WeightMatrix& w, const std::vector<float>& x,
                                 int64_t n_tokens, std::vector<uint8_t>* act_out = nullptr) {
    std::vector<uint8_t> act(k.activation_bytes(*w.format, w.n_in, n_tokens) + 64);
    uint8_t* aligned = act.data() + (64 - reinterpret_cast<uintptr_t>(act.data()) % 64) % 64;
    for (int64_t t0 = 0; t0 < n_tokens; t0 += chord::kActivationTokenGroup) {
        const int64_t t1 = std::min(n_tokens, t0 + chord::kActivationTokenGroup);
        k.convert_activations(*w.format, x.data(), w.n_in, n_tokens, t0, t1, aligned);
    }
    std::vector<float> y(static_cast<size_t>(n_tokens * w.n_out), NAN);
    const int64_t split = std::min<int64_t>(5, w.n_out);
    k.gemm_rows(w, 0, split, aligned, n_tokens, y.data());
    k.gemm_rows(w, split, w.n_out, aligned, n_tokens, y.data());
    if (act_out) act_out->assign(aligned, aligned + k.activation_bytes(*w.format, w.n_in, n_tokens));
    return y;
}

double relative_error(const std::vector<float>& got, const std::vector<float>& ref) {
    double max_ref = 0.0, max_diff = 0.0;
    for (size_t i = 0; i < ref.size(); ++i) {
        max_ref = std::max(max_ref, std::fabs(static_cast<double>(ref[i])));
        const double d = std::fabs(static_cast<double>(got[i]) - static_cast<double>(ref[i]));
        max_diff = std::isnan(d) ? INFINITY : std::max(max_diff, d);
    }
    return max_ref > 0.0 ? max_diff / max_ref : max_diff;
}

std::string describe(const chord::Kernels& k, TensorType type, int64_t n_in, int64_t n_out, int64_t n_tokens, double err) {
    return std::string(k.name) + " " + std::string(chord::tensor_type_name(type)) + " n_in=" + std::to_string(n_in) +
           " rows=" + std::to_string(n_out) + " tokens=" + std::to_string(n_tokens) + ": rel err " + std::to_string(err);
}

void check_type(TensorType type, const std::vector<int64_t>& lengths, double bound) {
    const int64_t n_out = 13;  // a partial 4-row and 2-row tile
    for (const chord::Kernels* k : tables()) {
        for (int64_t n_in : lengths) {
            const TestMatrix m(type, n_in, n_out, static_cast<uint32_t>(n_in));
            for (int64_t n_tokens : {1, 2, 3, 5, 16, 17, 35}) {
                const std::vector<float> x = random_floats(static_cast<size_t>(n_in * n_tokens), 7u + static_cast<uint32_t>(n_tokens), 1.0f);
                const std::vector<float> ref = reference_product(m.w, x, n_tokens);
                const std::vector<float> got = table_product(*k, m.w, x, n_tokens);
                const double err = relative_error(got, ref);
                QVERIFY2(err <= bound, describe(*k, type, n_in, n_out, n_tokens, err).c_str());
            }
        }
    }
}

// The SIMD tables' documented order for Q4_0/Q8_0 (llama.cpp's repacked kernels): per row, exact integer
// block sums, acc = fma(float(Σ q_w·q_a), d_w·d_a, acc) over the blocks in order. Written out here from
// the block layouts, independently of the kernels.
std::vector<float> block_order_product(const chord::WeightMatrix& w, const std::vector<float>& x, int64_t n_tokens) {
    const chord::QuantFormat* q8 = chord::quant_format(TensorType::Q8_0);
    const int64_t nb = w.n_in / 32;
    std::vector<chord::BlockQ8_0> a(static_cast<size_t>(nb));
    std::vector<float> y(static_cast<size_t>(n_tokens * w.n_out));
    for (int64_t t = 0; t < n_tokens; ++t) {
        q8->quantize_activations(&x[static_cast<size_t>(t * w.n_in)], reinterpret_cast<uint8_t*>(a.data()), w.n_in);
        for (int64_t r = 0; r < w.n_out; ++r) {
            float acc = 0.0f;
            for (int64_t b = 0; b < nb; ++b) {
                int32_t sum = 0;
                uint16_t d = 0;
                if (w.type == TensorType::Q4_0) {
                    const auto& blk = reinterpret_cast<const chord::BlockQ4_0*>(w.row(r))[b];
                    for (int j = 0; j < 16; ++j)
                        sum += ((blk.qs[j] & 0x0F) - 8) * a[static_cast<size_t>(b)].qs[j] +
                               ((blk.qs[j] >> 4) - 8) * a[static_cast<size_t>(b)].qs[j + 16];
                    d = blk.d;
                } else {
                    const auto& blk = reinterpret_cast<const chord::BlockQ8_0*>(w.row(r))[b];
                    for (int j = 0; j < 32; ++j) sum += blk.qs[j] * a[static_cast<size_t>(b)].qs[j];
                    d = blk.d;
                }
                const float scale = chord::fp16_to_fp32(d) * chord::fp16_to_fp32(a[static_cast<size_t>(b)].d);
                acc = std::fma(static_cast<float>(sum), scale, acc);
            }
            y[static_cast<size_t>(t * w.n_out + r)] = acc;
        }
    }
    return y;
}

// Lengths in blocks of 32: 1, 7, 31, 33, 255 blocks (tails of every unrolled loop).
const std::vector<int64_t> kBlockLengths = {32, 224, 992, 1056, 8160};
// Lengths in super-blocks of 256: 1, 3, 9 and 17 super-blocks.
const std::vector<int64_t> kSuperBlockLengths = {256, 768, 2304, 4352};
// Float rows: any length.
const std::vector<int64_t> kFloatLengths = {1, 7, 31, 33, 64, 255, 4097};

}  // namespace

class TestKernels : public QObject {
    Q_OBJECT
private slots:
    void q4_0();
    void q8_0();
    void f16IsBitIdentical();
    void bf16();
    void f32();
    void kQuantDotsAreBitIdentical();
    void blockDotsAreBitIdentical();
    void q8_0ConversionIsExact();
    void q8_kConversionIsExact();
    void sameBitsForOneAndTwoThreads();
    void simdBlockOrderIsExact();
};

void TestKernels::q4_0() { check_type(TensorType::Q4_0, kBlockLengths, 1e-5); }
void TestKernels::q8_0() { check_type(TensorType::Q8_0, kBlockLengths, 1e-5); }
void TestKernels::f16IsBitIdentical() { check_type(TensorType::F16, kFloatLengths, 0.0); }
void TestKernels::bf16() { check_type(TensorType::BF16, kFloatLengths, 1e-5); }
void TestKernels::f32() { check_type(TensorType::F32, kFloatLengths, 1e-5); }

namespace {

// Byte offsets of a block's fp16 scales (d, and dmin / m where the format has one) and the block's size.
struct ScaleBytes {
    size_t block;
    std::vector<size_t> offsets;
};
ScaleBytes scale_bytes(TensorType type) {
    switch (type) {
        case TensorType::Q4_K:
        case TensorType::Q5_K: return {chord::row_bytes(type, 256), {0, 2}};
        case TensorType::Q6_K:
        case TensorType::Q3_K: return {chord::row_bytes(type, 256), {chord::row_bytes(type, 256) - 2}};
        case TensorType::Q2_K: return {chord::row_bytes(type, 256), {80, 82}};
        case TensorType::IQ4_XS: return {chord::row_bytes(type, 256), {0}};
        case TensorType::Q4_1:
        case TensorType::Q5_1: return {chord::row_bytes(type, 32), {0, 2}};
        default: return {chord::row_bytes(type, 32), {0}};  // Q5_0, IQ4_NL: d first
    }
}

const TensorType kSuperBlockDotTypes[] = {TensorType::Q2_K, TensorType::Q3_K, TensorType::Q4_K,
                                          TensorType::Q5_K, TensorType::Q6_K, TensorType::IQ4_XS};
const TensorType kBlockDotTypes[] = {TensorType::Q4_1, TensorType::Q5_0, TensorType::Q5_1, TensorType::IQ4_NL};

// Random bytes reach every code and scale, the largest included (the 16-bit pair products' bounds); the
// fp16 block scales are set to 2^-10 (0x1400) to stay finite.
void check_random_bytes(TensorType type, int64_t n_in) {
    const int64_t n_out = 9;
    TestMatrix m(type, n_in, n_out, 3u);
    std::mt19937 rng(17u);
    for (auto& b : m.bytes) b = static_cast<uint8_t>(rng());
    const ScaleBytes sb = scale_bytes(type);
    for (size_t at = 0; at < m.bytes.size(); at += sb.block)
        for (size_t off : sb.offsets) {
            m.bytes[at + off] = 0x00;
            m.bytes[at + off + 1] = 0x14;
        }
    // Token counts the batch kernels' tiles (4 or 8 tokens) meet in full and as tails of 2, 6 and 7.
    for (int64_t n_tokens : {4, 6, 15}) {
        const std::vector<float> x = random_floats(static_cast<size_t>(n_in * n_tokens), 5u, 1.0f);
        const std::vector<float> ref = reference_product(m.w, x, n_tokens);
        for (const chord::Kernels* k : tables()) {
            const double err = relative_error(table_product(*k, m.w, x, n_tokens), ref);
            QVERIFY2(err == 0.0, ("random bytes: " + describe(*k, type, n_in, n_out, n_tokens, err)).c_str());
        }
    }
}

// Every token count up to two 8-token tiles and a tail: each tile size the batch kernels instantiate, alone
// and after full tiles, bit for bit.
void check_every_token_count(TensorType type, int64_t n_in) {
    const TestMatrix m(type, n_in, 7, 21u);
    for (int64_t n_tokens = 1; n_tokens <= 17; ++n_tokens) {
        const std::vector<float> x = random_floats(static_cast<size_t>(n_in * n_tokens), 31u + static_cast<uint32_t>(n_tokens), 1.0f);
        const std::vector<float> ref = reference_product(m.w, x, n_tokens);
        for (const chord::Kernels* k : tables()) {
            const double err = relative_error(table_product(*k, m.w, x, n_tokens), ref);
            QVERIFY2(err == 0.0, ("every token count: " + describe(*k, type, n_in, 7, n_tokens, err)).c_str());
        }
    }
}

}  // namespace

void TestKernels::kQuantDotsAreBitIdentical() {
    for (TensorType type : kSuperBlockDotTypes) {
        check_type(type, kSuperBlockLengths, 0.0);
        check_random_bytes(type, 2304);
    }
}

void TestKernels::blockDotsAreBitIdentical() {
    for (TensorType type : kBlockDotTypes) {
        check_type(type, kBlockLengths, 0.0);
        check_random_bytes(type, 1056);
        check_every_token_count(type, 320);
    }
}

void TestKernels::q8_0ConversionIsExact() {
    const chord::QuantFormat* q8 = chord::quant_format(TensorType::Q8_0);
    const int64_t n_in = 1056;
    for (const chord::Kernels* k : tables()) {
        for (int64_t n_tokens : {1, 17}) {
            const TestMatrix m(TensorType::Q4_0, n_in, 1, 1u);
            std::vector<float> x = random_floats(static_cast<size_t>(n_in * n_tokens), 99u, 1.0f);
            // Values exactly halfway between two codes after scaling, and an all-zero block.
            x[0] = 127.0f;
            x[1] = 0.5f;
            x[2] = -2.5f;
            for (int i = 32; i < 64; ++i) x[static_cast<size_t>(i)] = 0.0f;
            std::vector<uint8_t> act;
            table_product(*k, m.w, x, n_tokens, &act);
            const size_t stride = chord::row_bytes(TensorType::Q8_0, n_in);
            std::vector<uint8_t> ref(stride);
            for (int64_t t = 0; t < n_tokens; ++t) {
                q8->quantize_activations(&x[static_cast<size_t>(t * n_in)], ref.data(), n_in);
                // Every table keeps ggml's rows first (kernels/q8_activations.h; the scalar table has only rows).
                QVERIFY2(std::memcmp(ref.data(), act.data() + static_cast<size_t>(t) * stride, stride) == 0,
                         (std::string(k->name) + ": token " + std::to_string(t)).c_str());
            }
        }
    }
}

// Every table's Q8_K activation rows (for K-quant weights) are the scalar quantizer's bytes, including a
// block whose largest magnitude occurs twice with opposite signs (the first one sets the sign) and an
// all-zero block.
void TestKernels::q8_kConversionIsExact() {
    const chord::QuantFormat* q4_k = chord::quant_format(TensorType::Q4_K);
    const chord::QuantFormat* q8_k = chord::quant_format(TensorType::Q8_K);
    const auto convert = q8_k->quantize_activations ? q8_k->quantize_activations : q8_k->quantize_row;
    const int64_t n_in = 768, n_tokens = 5;
    std::vector<float> x = random_floats(static_cast<size_t>(n_in * n_tokens), 11u, 1.0f);
    x[static_cast<size_t>(n_in + 3)] = -4.0f;
    x[static_cast<size_t>(n_in + 100)] = 4.0f;
    x[static_cast<size_t>(n_in + 300)] = 5.0f;
    x[static_cast<size_t>(n_in + 301)] = -5.0f;
    std::fill(x.begin() + 2 * n_in + 256, x.begin() + 2 * n_in + 512, 0.0f);
    const size_t stride = chord::row_bytes(TensorType::Q8_K, n_in);
    std::vector<uint8_t> ref(stride * static_cast<size_t>(n_tokens));
    for (int64_t t = 0; t < n_tokens; ++t) convert(&x[static_cast<size_t>(t * n_in)], &ref[stride * static_cast<size_t>(t)], n_in);
    for (const chord::Kernels* k : tables()) {
        std::vector<uint8_t> act(k->activation_bytes(*q4_k, n_in, n_tokens));
        QVERIFY2(act.size() == ref.size(), k->name);
        k->convert_activations(*q4_k, x.data(), n_in, n_tokens, 0, n_tokens, act.data());
        QVERIFY2(std::memcmp(act.data(), ref.data(), ref.size()) == 0, (std::string(k->name) + ": Q8_K bytes differ").c_str());
    }
}

void TestKernels::sameBitsForOneAndTwoThreads() {
    for (TensorType type : {TensorType::Q4_0, TensorType::Q8_0, TensorType::F16, TensorType::F32}) {
        const TestMatrix m(type, 512, 203, 5u);
        for (int64_t n_tokens : {1, 3, 40}) {
            const std::vector<float> x = random_floats(static_cast<size_t>(512 * n_tokens), 11u, 1.0f);
            std::vector<float> y1(static_cast<size_t>(203 * n_tokens)), y2(y1.size());
            chord::MatmulScratch s1, s2;
            chord::ThreadPool one(1), two(2);
            chord::matmul(m.w, x.data(), n_tokens, y1.data(), one, s1);
            chord::matmul(m.w, x.data(), n_tokens, y2.data(), two, s2);
            QVERIFY2(std::memcmp(y1.data(), y2.data(), y1.size() * sizeof(float)) == 0,
                     (std::string(chord::tensor_type_name(type)) + " tokens=" + std::to_string(n_tokens)).c_str());
        }
    }
}

// Every tile shape of the AVX2/AVX-512 Q4_0/Q8_0 kernels (16-, 8-row and tail tiles per token; 4-row ×
// 16-token tiles and their tails in batches) against the order written out above, bit for bit.
void TestKernels::simdBlockOrderIsExact() {
    const int64_t n_out = 45;  // rows 5…44 after table_product's split: two 16-row tiles and a tail
    for (auto level : {chord::SimdLevel::Avx2, chord::SimdLevel::Avx512}) {
        const chord::Kernels* k = chord::kernels_for(level);
        if (!k) continue;
        for (TensorType type : {TensorType::Q4_0, TensorType::Q8_0}) {
            for (int64_t n_in : {32, 2048}) {
                const TestMatrix m(type, n_in, n_out, 3u);
                for (int64_t n_tokens : {1, 2, 3, 17}) {
                    const std::vector<float> x = random_floats(static_cast<size_t>(n_in * n_tokens), 13u, 1.0f);
                    const std::vector<float> ref = block_order_product(m.w, x, n_tokens);
                    const std::vector<float> got = table_product(*k, m.w, x, n_tokens);
                    QVERIFY2(std::memcmp(ref.data(), got.data(), ref.size() * sizeof(float)) == 0,
                             describe(*k, type, n_in, n_out, n_tokens, relative_error(got, ref)).c_str());
                }
            }
        }
    }
}

CHORD_TEST_MAIN(TestKernels, q4_0, q8_0, f16IsBitIdentical, bf16, f32, kQuantDotsAreBitIdentical, blockDotsAreBitIdentical,
                q8_0ConversionIsExact, q8_kConversionIsExact, sameBitsForOneAndTwoThreads, simdBlockOrderIsExact)
#ifndef CHORD_TEST_NO_QT
#include "test_kernels.moc"
#endif
