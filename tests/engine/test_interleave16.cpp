// The interleaved weight layouts that decode kernels stream (quant/row_layout.h): Interleaved16
// (quant/interleave16.h) and Interleaved4 (quant/interleave4.h).
//   - each layout holds the file's bytes: every block (Interleaved16: its scale and payload), found
//     through the accessors, equals the row-major block byte for byte (random bytes, so any misplaced
//     byte shows);
//   - every table gives the same bits on a matrix repacked to its decode_layout as on the row-major
//     matrix (whose results test_kernels checks against the scalar reference and the block order), for
//     single tokens (decode), a few tokens and token groups (prompts), with rows split as the pool does.
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "chord_test.h"
#include "kernels/kernels.h"
#include "model/weights.h"
#include "quant/interleave16.h"
#include "quant/interleave4.h"
#include "quant/quant.h"

namespace {

using chord::TensorType;

std::vector<float> random_floats(size_t n, uint32_t seed, float scale) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> dist(0.0f, scale);
    std::vector<float> v(n);
    for (auto& x : v) x = dist(rng);
    return v;
}

// A row-major matrix of random values quantized by the format's reference quantizer, and its copy in
// the given layout.
struct MatrixPair {
    std::vector<uint8_t> row_major, interleaved;
    chord::WeightMatrix plain, packed;
    MatrixPair(TensorType type, chord::RowLayout layout, int64_t n_in, int64_t n_out, uint32_t seed) {
        plain.type = type;
        plain.format = chord::quant_format(type);
        plain.n_in = n_in;
        plain.n_out = n_out;
        plain.row_bytes = chord::row_bytes(type, n_in);
        row_major.resize(plain.bytes());
        const std::vector<float> f = random_floats(static_cast<size_t>(n_in * n_out), seed, 0.05f);
        for (int64_t r = 0; r < n_out; ++r)
            plain.format->quantize_row(&f[static_cast<size_t>(r * n_in)], &row_major[plain.row_bytes * static_cast<size_t>(r)],
                                       n_in);
        plain.data = row_major.data();
        interleaved.resize(row_major.size());
        const chord::TensorTypeInfo& info = *chord::tensor_type_info(type);
        const int64_t n_blocks = n_in / info.block_elems;
        if (layout == chord::RowLayout::Interleaved16)
            chord::interleave16_groups(row_major.data(), n_blocks, info.block_bytes, 0, n_out / chord::kInterleaveRows,
                                       interleaved.data());
        else
            chord::interleave4_groups(row_major.data(), n_blocks, info.block_bytes, 0, n_out / chord::kInterleave4Rows,
                                      interleaved.data());
        packed = plain;
        packed.data = interleaved.data();
        packed.layout = layout;
    }
};

// y[t][r] through one table, rows in the pool's 16-row chunks plus one 32-row chunk.
std::vector<float> product(const chord::Kernels& k, const chord::WeightMatrix& w, const std::vector<float>& x,
                           int64_t n_tokens) {
    std::vector<uint8_t> act(k.activation_bytes(*w.format, w.n_in, n_tokens) + 64);
    uint8_t* aligned = act.data() + (64 - reinterpret_cast<uintptr_t>(act.data()) % 64) % 64;
    for (int64_t t0 = 0; t0 < n_tokens; t0 += chord::kActivationTokenGroup)
        k.convert_activations(*w.format, x.data(), w.n_in, n_tokens, t0, std::min(n_tokens, t0 + chord::kActivationTokenGroup),
                              aligned);
    std::vector<float> y(static_cast<size_t>(n_tokens * w.n_out), NAN);
    k.gemm_rows(w, 0, 16, aligned, n_tokens, y.data());
    k.gemm_rows(w, 16, 48, aligned, n_tokens, y.data());
    k.gemm_rows(w, 48, w.n_out, aligned, n_tokens, y.data());
    return y;
}

}  // namespace

class TestInterleave16 : public QObject {
    Q_OBJECT
private slots:
    void layoutHoldsTheFileBytes();
    void interleave4HoldsTheFileBytes();
    void interleavedProductsEqualRowMajor();
};

void TestInterleave16::layoutHoldsTheFileBytes() {
    for (TensorType type : {TensorType::Q4_0, TensorType::Q8_0}) {
        QVERIFY(chord::interleave16_supported(type));
        const chord::TensorTypeInfo& info = *chord::tensor_type_info(type);
        const int64_t n_blocks = 5, n_rows = 48;
        std::vector<uint8_t> src(static_cast<size_t>(n_rows * n_blocks) * info.block_bytes);
        std::mt19937 rng(11u);
        for (auto& b : src) b = static_cast<uint8_t>(rng());
        std::vector<uint8_t> dst(src.size(), 0);
        // Two calls, as threads splitting the groups would make.
        chord::interleave16_groups(src.data(), n_blocks, info.block_bytes, 0, 1, dst.data());
        chord::interleave16_groups(src.data(), n_blocks, info.block_bytes, 1, 3, dst.data());
        const chord::Interleaved16 w16{dst.data(), n_blocks, info.block_bytes};
        for (int64_t r = 0; r < n_rows; ++r)
            for (int64_t k = 0; k < n_blocks; ++k) {
                const uint8_t* block = src.data() + static_cast<size_t>(r * n_blocks + k) * info.block_bytes;
                QVERIFY2(std::memcmp(w16.scale(r, k), block, 2) == 0, ("scale of row " + std::to_string(r)).c_str());
                QVERIFY2(std::memcmp(w16.payload(r, k), block + 2, info.block_bytes - 2) == 0,
                         ("payload of row " + std::to_string(r) + " block " + std::to_string(k)).c_str());
            }
    }
    QVERIFY(!chord::interleave16_supported(TensorType::Q4_K));
}

void TestInterleave16::interleave4HoldsTheFileBytes() {
    const size_t block_bytes = chord::tensor_type_info(TensorType::Q4_K)->block_bytes;
    const int64_t n_blocks = 3, n_rows = 12;
    std::vector<uint8_t> src(static_cast<size_t>(n_rows * n_blocks) * block_bytes);
    std::mt19937 rng(12u);
    for (auto& b : src) b = static_cast<uint8_t>(rng());
    std::vector<uint8_t> dst(src.size(), 0);
    chord::interleave4_groups(src.data(), n_blocks, block_bytes, 0, 2, dst.data());
    chord::interleave4_groups(src.data(), n_blocks, block_bytes, 2, 3, dst.data());
    const chord::Interleaved4 w4{dst.data(), n_blocks, block_bytes};
    for (int64_t r = 0; r < n_rows; ++r)
        for (int64_t k = 0; k < n_blocks; ++k) {
            const uint8_t* want = src.data() + static_cast<size_t>(r * n_blocks + k) * block_bytes;
            const uint8_t* got = w4.row_start(r) + static_cast<size_t>(k) * w4.block_stride();
            QVERIFY2(std::memcmp(got, want, block_bytes) == 0, ("row " + std::to_string(r) + " block " + std::to_string(k)).c_str());
        }
}

void TestInterleave16::interleavedProductsEqualRowMajor() {
    int tables_checked = 0;
    for (auto level : {chord::SimdLevel::Scalar, chord::SimdLevel::Avx2, chord::SimdLevel::Avx512, chord::SimdLevel::Neon}) {
        const chord::Kernels* k = chord::kernels_for(level);
        if (!k || !k->decode_layout) continue;
        for (TensorType type : {TensorType::Q4_0, TensorType::Q8_0, TensorType::Q4_K, TensorType::Q6_K, TensorType::Q5_K}) {
            const chord::RowLayout layout = k->decode_layout(type);
            if (layout == chord::RowLayout::RowMajor) continue;
            ++tables_checked;
            for (int64_t n_in : {256, 2048}) {
                const MatrixPair m(type, layout, n_in, 64, static_cast<uint32_t>(n_in));
                for (int64_t n_tokens : {1, 2, 3, 17, 35}) {
                    const std::vector<float> x = random_floats(static_cast<size_t>(n_in * n_tokens), 3u, 1.0f);
                    const std::vector<float> want = product(*k, m.plain, x, n_tokens);
                    const std::vector<float> got = product(*k, m.packed, x, n_tokens);
                    QVERIFY2(std::memcmp(want.data(), got.data(), want.size() * sizeof(float)) == 0,
                             (std::string(k->name) + " " + std::string(chord::tensor_type_name(type)) + " n_in=" +
                              std::to_string(n_in) + " tokens=" + std::to_string(n_tokens))
                                 .c_str());
                }
            }
        }
    }
    if (tables_checked == 0) QSKIP("no kernel table on this CPU reads interleaved matrices");
}

CHORD_TEST_MAIN(TestInterleave16, layoutHoldsTheFileBytes, interleave4HoldsTheFileBytes, interleavedProductsEqualRowMajor)
#ifndef CHORD_TEST_NO_QT
#include "test_interleave16.moc"
#endif
