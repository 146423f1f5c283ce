// AVX2 integer dots for Q4_0 and Q8_0 weights with Q8_0 activations (maddubs + madd, no VNNI).
//
// maddubs multiplies unsigned by signed bytes and adds pairs into saturating 16-bit lanes. Q4_0 nibbles
// enter unsigned as stored (q+8, products ≤ 15·127·2, never saturating) and each block's sum starts from
// the activation's −8·Σa; Q8_0 uses |w| and sign(a, w) (≤ 127·127·2). Either way the integer block sum
// is exactly the scalar reference's. Every row then adds its blocks in order,
// acc = fma(float(block sum), d_w·d_a, acc), as llama.cpp's repacked Q4_0 kernels do.
// Per token: 8 rows' block sums are reduced into the lanes of one register (a row per lane).
// Batches: 16 tokens of a group fill two registers' lanes and each 4-byte weight quad is broadcast to
// them (see kernels/q8_activations.h).
#include "kernels/x86_intrinsics.h"

#include <cstring>

#include "kernels/avx2/avx2_kernels.h"
#include "model/weights.h"
#include "quant/blocks.h"
#include "quant/interleave16.h"

namespace chord::avx2 {

namespace {

int32_t load_i32(const void* p) {
    int32_t v;
    std::memcpy(&v, p, 4);
    return v;
}

uint16_t load_u16(const uint8_t* p) {
    uint16_t v;
    std::memcpy(&v, p, 2);
    return v;
}

__m256i ones16() { return _mm256_set1_epi16(1); }

struct Q4_0 {
    using Block = BlockQ4_0;
    static const int32_t* bias(const Q8ActivationLayout& l, const uint8_t* act) {
        return reinterpret_cast<const int32_t*>(act + l.bias8);
    }
    static const int32_t* group_bias(const Q8TokenGroupBlock& g) { return g.bias8; }
    // Σ w·a over a block as 8 int32 lanes (without the bias).
    static __m256i dot(const uint8_t* qs, __m256i a) {
        const __m128i q = _mm_loadu_si128(reinterpret_cast<const __m128i*>(qs));
        const __m256i w = _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(q, 4), q), _mm256_set1_epi8(0x0F));
        return _mm256_madd_epi16(_mm256_maddubs_epi16(w, a), ones16());
    }
    // Quad g (elements 4g…4g+3) broadcast, prepared for dot_quad.
    static __m256i quad(const uint8_t* qs, int g) {
        const __m256i raw = _mm256_set1_epi32(load_i32(qs + 4 * (g & 3)));
        return _mm256_and_si256(g < 4 ? raw : _mm256_srli_epi32(raw, 4), _mm256_set1_epi8(0x0F));
    }
    static __m256i dot_quad(__m256i w, __m256i a) { return _mm256_madd_epi16(_mm256_maddubs_epi16(w, a), ones16()); }
};

struct Q8_0 {
    using Block = BlockQ8_0;
    static const int32_t* bias(const Q8ActivationLayout&, const uint8_t*) { return nullptr; }
    static const int32_t* group_bias(const Q8TokenGroupBlock&) { return nullptr; }
    static __m256i dot(const uint8_t* qs, __m256i a) {
        const __m256i w = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(qs));
        return _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_sign_epi8(w, w), _mm256_sign_epi8(a, w)), ones16());
    }
    static __m256i quad(const uint8_t* qs, int g) { return _mm256_set1_epi32(load_i32(qs + 4 * g)); }
    static __m256i dot_quad(__m256i w, __m256i a) {
        return _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_sign_epi8(w, w), _mm256_sign_epi8(a, w)), ones16());
    }
};

// Sums the 8 lanes of each of s[0..7]: lane r of the result is Σ s[r].
__m256i reduce8(const __m256i s[8]) {
    const __m256i t01 = _mm256_hadd_epi32(s[0], s[1]);
    const __m256i t23 = _mm256_hadd_epi32(s[2], s[3]);
    const __m256i t45 = _mm256_hadd_epi32(s[4], s[5]);
    const __m256i t67 = _mm256_hadd_epi32(s[6], s[7]);
    const __m256i u0 = _mm256_hadd_epi32(t01, t23);  // [rows 0-3 low halves | rows 0-3 high halves]
    const __m256i u1 = _mm256_hadd_epi32(t45, t67);
    return _mm256_add_epi32(_mm256_permute2x128_si256(u0, u1, 0x20), _mm256_permute2x128_si256(u0, u1, 0x31));
}

// 8 consecutive rows × one token, a row per lane, each row's blocks added in order (see the file
// comment). Rows past row_end repeat the last row and are not stored.
template <typename F>
void eight_rows_one_token(const WeightMatrix& w, int64_t r0, int64_t row_end, const BlockQ8_0* a, const float* da,
                          const int32_t* bias, float* y) {
    using Block = typename F::Block;
    const Block* rows[8];
    int32_t offsets[8];
    for (int i = 0; i < 8; ++i) {
        const int64_t r = r0 + i < row_end ? r0 + i : row_end - 1;
        rows[i] = reinterpret_cast<const Block*>(w.data + static_cast<size_t>(r) * w.row_bytes);
        offsets[i] = static_cast<int32_t>(reinterpret_cast<const uint8_t*>(rows[i]) - reinterpret_cast<const uint8_t*>(rows[0]));
    }
    const __m256i row_offsets = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(offsets));
    const int64_t nb = w.n_in / kQK8_0;
    __m256 acc = _mm256_setzero_ps();
    for (int64_t k = 0; k < nb; ++k) {
        const __m256i av = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a[k].qs));
        __m256i s[8];
        for (int i = 0; i < 8; ++i) s[i] = F::dot(reinterpret_cast<const uint8_t*>(rows[i][k].qs), av);
        __m256i sums = reduce8(s);
        if (bias) sums = _mm256_add_epi32(sums, _mm256_set1_epi32(bias[k]));
        // The 8 rows' fp16 scales: gather the dword at each block's start (d is its low half), keep
        // the low halves and widen them.
        const __m256i d32 = _mm256_and_si256(
            _mm256_i32gather_epi32(reinterpret_cast<const int*>(&rows[0][k].d), row_offsets, 1), _mm256_set1_epi32(0xFFFF));
        const __m256i d16 = _mm256_permute4x64_epi64(_mm256_packus_epi32(d32, d32), 0x08);
        const __m256 dw = _mm256_cvtph_ps(_mm256_castsi256_si128(d16));
        acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sums), _mm256_mul_ps(dw, _mm256_set1_ps(da[k])), acc);
    }
    const int64_t n = row_end - r0 < 8 ? row_end - r0 : 8;
    if (n == 8) {
        _mm256_storeu_ps(y + r0, acc);
    } else {
        alignas(32) float lanes[8];
        _mm256_store_ps(lanes, acc);
        for (int64_t i = 0; i < n; ++i) y[r0 + i] = lanes[i];
    }
}

// The same arithmetic on the interleaved layout (quant/interleave16.h): a 16-row group as two halves of 8
// rows, both read from one sequential stream, their scales loaded 8 at a time. Same bits.
template <typename F>
void sixteen_interleaved_rows_one_token(const Interleaved16& w16, int64_t group, const BlockQ8_0* a, const float* da,
                                        const int32_t* bias, float* y16) {
    constexpr size_t kPayload = sizeof(typename F::Block) - 2;
    const size_t stride = w16.group_block_bytes();
    const uint8_t* blocks = w16.block16(group, 0);
    __m256 acc[2] = {_mm256_setzero_ps(), _mm256_setzero_ps()};
    for (int64_t k = 0; k < w16.n_blocks; ++k) {
        const uint8_t* b = blocks + static_cast<size_t>(k) * stride;
        const __m256i av = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a[k].qs));
        for (int h = 0; h < 2; ++h) {
            const uint8_t* payload = b + kInterleaveScaleBytes + static_cast<size_t>(8 * h) * kPayload;
            __m256i s[8];
            for (int i = 0; i < 8; ++i) s[i] = F::dot(payload + static_cast<size_t>(i) * kPayload, av);
            __m256i sums = reduce8(s);
            if (bias) sums = _mm256_add_epi32(sums, _mm256_set1_epi32(bias[k]));
            const __m256 dw = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + 16 * h)));
            acc[h] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sums), _mm256_mul_ps(dw, _mm256_set1_ps(da[k])), acc[h]);
        }
    }
    _mm256_storeu_ps(y16, acc[0]);
    _mm256_storeu_ps(y16 + 8, acc[1]);
}

template <typename F>
void gemm_per_token(const WeightMatrix& w, int64_t row0, int64_t row1, const Q8ActivationLayout& l, const uint8_t* act,
                    float* y) {
    const int64_t nb = l.n_blocks;
    const float* scales = reinterpret_cast<const float*>(act + l.scales);
    const int32_t* bias = F::bias(l, act);
    if (w.layout == RowLayout::Interleaved16) {  // whole groups: the matmul splits rows in multiples of 16
        const Interleaved16 w16{w.data, nb, sizeof(typename F::Block)};
        for (int64_t r = row0; r < row1; r += kInterleaveRows)
            for (int64_t t = 0; t < l.n_tokens; ++t) {
                const auto* a = reinterpret_cast<const BlockQ8_0*>(act + l.rows + static_cast<size_t>(t) * l.row_stride);
                sixteen_interleaved_rows_one_token<F>(w16, r / kInterleaveRows, a, scales + t * nb,
                                                      bias ? bias + t * nb : nullptr, y + t * w.n_out + r);
            }
        return;
    }
    for (int64_t r = row0; r < row1; r += 8)
        for (int64_t t = 0; t < l.n_tokens; ++t) {
            const auto* a = reinterpret_cast<const BlockQ8_0*>(act + l.rows + static_cast<size_t>(t) * l.row_stride);
            eight_rows_one_token<F>(w, r, row1, a, scales + t * nb, bias ? bias + t * nb : nullptr, y + t * w.n_out);
        }
}

// R rows × one group of 16 tokens (two registers of 8 lanes: h = 0, 1).
template <typename F, int R>
void run_tile(const WeightMatrix& w, int64_t r, int64_t g, const Q8ActivationLayout& l, const uint8_t* act, float* y) {
    using Block = typename F::Block;
    // Row i's block k: scale at d[i] + k·stride, payload at qs[i] + k·stride (file or interleaved layout).
    const uint8_t* d[R];
    const uint8_t* qs[R];
    size_t stride = sizeof(Block);
    if (w.layout == RowLayout::Interleaved16) {
        const Interleaved16 w16{w.data, l.n_blocks, sizeof(Block)};
        stride = w16.group_block_bytes();
        for (int i = 0; i < R; ++i) d[i] = w16.scale(r + i, 0), qs[i] = w16.payload(r + i, 0);
    } else {
        for (int i = 0; i < R; ++i) d[i] = w.row(r + i), qs[i] = d[i] + 2;
    }
    const Q8TokenGroupBlock* group = reinterpret_cast<const Q8TokenGroupBlock*>(act + l.groups) + g * l.n_blocks;
    __m256 facc[R][2];
    for (int i = 0; i < R; ++i) facc[i][0] = facc[i][1] = _mm256_setzero_ps();
    for (int64_t k = 0; k < l.n_blocks; ++k) {
        const Q8TokenGroupBlock& gb = group[k];
        __m256i iacc[R][2];
        const int32_t* bias = F::group_bias(gb);
        for (int h = 0; h < 2; ++h) {
            const __m256i b = bias ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bias + 8 * h))
                                   : _mm256_setzero_si256();
            for (int i = 0; i < R; ++i) iacc[i][h] = b;
        }
#pragma GCC unroll 8
        for (int q = 0; q < 8; ++q) {
            __m256i wq[R];
            for (int i = 0; i < R; ++i) wq[i] = F::quad(qs[i] + static_cast<size_t>(k) * stride, q);
            for (int h = 0; h < 2; ++h) {
                const __m256i av = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(gb.qs[q][8 * h]));
                for (int i = 0; i < R; ++i) iacc[i][h] = _mm256_add_epi32(iacc[i][h], F::dot_quad(wq[i], av));
            }
        }
        for (int h = 0; h < 2; ++h) {
            const __m256 da = _mm256_loadu_ps(gb.d + 8 * h);
            for (int i = 0; i < R; ++i) {
                const __m256 scale = _mm256_mul_ps(_mm256_set1_ps(_cvtsh_ss(load_u16(d[i] + static_cast<size_t>(k) * stride))), da);
                facc[i][h] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(iacc[i][h]), scale, facc[i][h]);
            }
        }
    }
    const int64_t t0 = g * kTokenGroupLanes;
    const int64_t n = l.n_tokens - t0 < kTokenGroupLanes ? l.n_tokens - t0 : kTokenGroupLanes;
    alignas(32) float lanes[16];
    for (int i = 0; i < R; ++i) {
        _mm256_store_ps(lanes, facc[i][0]);
        _mm256_store_ps(lanes + 8, facc[i][1]);
        for (int64_t lane = 0; lane < n; ++lane) y[(t0 + lane) * w.n_out + r + i] = lanes[lane];
    }
}

template <typename F>
void gemm(const WeightMatrix& w, int64_t row0, int64_t row1, const Q8ActivationLayout& l, const uint8_t* act, float* y) {
    if (l.n_groups == 0) {
        gemm_per_token<F>(w, row0, row1, l, act, y);
        return;
    }
    for (int64_t g = 0; g < l.n_groups; ++g) {
        int64_t r = row0;
        for (; r + 2 <= row1; r += 2) run_tile<F, 2>(w, r, g, l, act, y);
        if (r < row1) run_tile<F, 1>(w, r, g, l, act, y);
    }
}

}  // namespace

void gemm_q4_0(const WeightMatrix& w, int64_t row0, int64_t row1, const Q8ActivationLayout& layout, const uint8_t* act,
               float* y) {
    gemm<Q4_0>(w, row0, row1, layout, act, y);
}

void gemm_q8_0(const WeightMatrix& w, int64_t row0, int64_t row1, const Q8ActivationLayout& layout, const uint8_t* act,
               float* y) {
    gemm<Q8_0>(w, row0, row1, layout, act, y);
}

}  // namespace chord::avx2
