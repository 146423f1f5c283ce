// AVX-512 VNNI integer dots for Q4_0 and Q8_0 weights with Q8_0 activations.
//
// vpdpbusd multiplies unsigned by signed bytes, so weights enter unsigned: Q4_0 nibbles as stored (q+8),
// Q8_0 bytes with the sign bit flipped (q+128). Each block's integer sum then starts from the
// activation's precomputed −8·Σa or −128·Σa, which makes it exactly Σ q·a as in the scalar reference;
// the block scales are applied in float afterwards.
//
// Both paths add each row's blocks in order, acc = fma(float(block sum), d_w·d_a, acc), as llama.cpp's
// repacked Q4_0 kernels do (the reference logits were made with those).
// Per token (decode): 16 rows × one token, two rows' blocks per 512-bit multiply-add, the 16 block sums
// reduced into the lanes of one register (a row per lane); 8 rows with 256-bit registers for the tail.
// Batches: 16 tokens sit in the 16 lanes of a register (Q8TokenGroupBlock), each 4-byte quad of a
// weight row is broadcast to all lanes, so one vpdpbusd does 16 tokens × 4 elements and a tile of
// 4 rows × 32 tokens keeps 8 integer and 8 float accumulators in registers.
#include "kernels/x86_intrinsics.h"

#include <cstring>

#include "kernels/avx512/avx512_kernels.h"
#include "model/weights.h"
#include "quant/blocks.h"
#include "quant/interleave16.h"

namespace chord::avx512 {

namespace {

int32_t load_i32(const uint8_t* p) {
    int32_t v;
    std::memcpy(&v, p, 4);
    return v;
}

uint16_t load_u16(const uint8_t* p) {
    uint16_t v;
    std::memcpy(&v, p, 2);
    return v;
}

// Per format: unpacking of a block's payload (qs) into unsigned bytes in element order.
struct Q4_0 {
    using Block = BlockQ4_0;
    static const int32_t* bias(const Q8ActivationLayout& l, const uint8_t* act) {
        return reinterpret_cast<const int32_t*>(act + l.bias8);
    }
    static const int32_t* group_bias(const Q8TokenGroupBlock& g) { return g.bias8; }
    // The 32 weights of a block as unsigned bytes in element order.
    static __m256i unpack(const Block& b) {
        const __m128i q = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b.qs));
        const __m256i both = _mm256_set_m128i(_mm_srli_epi16(q, 4), q);
        return _mm256_and_si256(both, _mm256_set1_epi8(0x0F));
    }
    // Elements 4g…4g+3 of a block (g in 0…7), broadcast to every lane, as unsigned bytes.
    static __m512i quad(const uint8_t* qs, int g) {
        const __m512i raw = _mm512_set1_epi32(load_i32(qs + 4 * (g & 3)));
        return _mm512_and_si512(g < 4 ? raw : _mm512_srli_epi32(raw, 4), _mm512_set1_epi8(0x0F));
    }
    // Two blocks' 32 weights each, as unsigned bytes in element order: a in the low half, b in the high.
    static __m512i unpack_pair(const uint8_t* qa, const uint8_t* qb) {
        // [qa, qa, qb, qb] (16 bytes each), then the 2nd and 4th quarter shifted to their high nibbles.
        __m512i q = _mm512_broadcast_i32x4(_mm_loadu_si128(reinterpret_cast<const __m128i*>(qa)));
        q = _mm512_mask_broadcast_i32x4(q, 0xFF00, _mm_loadu_si128(reinterpret_cast<const __m128i*>(qb)));
        q = _mm512_mask_srli_epi16(q, 0xFF00FF00u, q, 4);
        return _mm512_and_si512(q, _mm512_set1_epi8(0x0F));
    }
};

struct Q8_0 {
    using Block = BlockQ8_0;
    static const int32_t* bias(const Q8ActivationLayout& l, const uint8_t* act) {
        return reinterpret_cast<const int32_t*>(act + l.bias128);
    }
    static const int32_t* group_bias(const Q8TokenGroupBlock& g) { return g.bias128; }
    static __m256i unpack(const Block& b) {
        const __m256i q = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b.qs));
        return _mm256_xor_si256(q, _mm256_set1_epi8(static_cast<char>(0x80)));
    }
    static __m512i quad(const uint8_t* qs, int g) {
        const __m512i raw = _mm512_set1_epi32(load_i32(qs + 4 * g));
        return _mm512_xor_si512(raw, _mm512_set1_epi8(static_cast<char>(0x80)));
    }
    static __m512i unpack_pair(const uint8_t* qa, const uint8_t* qb) {
        const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(qa));
        const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(qb));
        const __m512i q = _mm512_inserti64x4(_mm512_castsi256_si512(a), b, 1);
        return _mm512_xor_si512(q, _mm512_set1_epi8(static_cast<char>(0x80)));
    }
};

// Where a row's blocks are: block k's fp16 scale at d + k·stride, its payload at qs + k·stride
// (stride: the block size in the file's layout, 16 blocks in the interleaved one).
struct RowBlocks {
    const uint8_t* d;
    const uint8_t* qs;
};

template <typename F>
RowBlocks row_blocks(const WeightMatrix& w, int64_t r) {
    if (w.layout == RowLayout::Interleaved16) {
        const Interleaved16 w16{w.data, w.n_in / kQK8_0, sizeof(typename F::Block)};
        return {w16.scale(r, 0), w16.payload(r, 0)};
    }
    const uint8_t* row = w.data + static_cast<size_t>(r) * w.row_bytes;
    return {row, row + 2};
}

template <typename F>
size_t block_stride(const WeightMatrix& w) {
    return w.layout == RowLayout::Interleaved16 ? kInterleaveRows * sizeof(typename F::Block) : sizeof(typename F::Block);
}

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

// 8 consecutive rows × one token, rows in the 8 lanes of the accumulator: every row accumulates its
// blocks in order, acc = fma(float(block sum), d_w·d_a, acc), the order of llama.cpp's repacked Q4_0
// kernels. Rows past row_end repeat the last row and are not stored.
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
        for (int i = 0; i < 8; ++i) s[i] = _mm256_dpbusd_epi32(_mm256_setzero_si256(), F::unpack(rows[i][k]), av);
        const __m256i sums = _mm256_add_epi32(reduce8(s), _mm256_set1_epi32(bias[k]));
        // The 8 rows' fp16 scales: gather the dword at each block's start (d is its low half).
        const __m256i d32 = _mm256_i32gather_epi32(reinterpret_cast<const int*>(&rows[0][k].d), row_offsets, 1);
        const __m256 dw = _mm256_cvtph_ps(_mm256_cvtepi32_epi16(d32));
        acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sums), _mm256_mul_ps(dw, _mm256_set1_ps(da[k])), acc);
    }
    const int64_t n = row_end - r0 < 8 ? row_end - r0 : 8;
    _mm256_mask_storeu_ps(y + r0, static_cast<__mmask8>((1u << n) - 1u), acc);
}

// How far ahead the decode kernel prefetches each row, in blocks (~250 bytes of Q4_0, ~480 of Q8_0: the
// best of 128…1024 bytes measured out of cache here, 2–3× faster than without).
constexpr int64_t kPrefetchBlocks = 14;

// Sums the 8 lanes of each 256-bit half of s[0..7]: lane i of the result is the sum of
//   i in 0…3: s[i] low half,  4…7: s[i−4] high half,  8…11: s[i−4] low half,  12…15: s[i−8] high half.
__m512i reduce16(const __m512i s[8]) {
    __m512i t[4];
    for (int i = 0; i < 4; ++i)  // per 128-bit lane: [a0+a2, b0+b2, a1+a3, b1+b3] of a = s[2i], b = s[2i+1]
        t[i] = _mm512_add_epi32(_mm512_unpacklo_epi32(s[2 * i], s[2 * i + 1]), _mm512_unpackhi_epi32(s[2 * i], s[2 * i + 1]));
    // per 128-bit lane: one partial sum of each of 4 registers
    const __m512i u0 = _mm512_add_epi32(_mm512_unpacklo_epi64(t[0], t[1]), _mm512_unpackhi_epi64(t[0], t[1]));
    const __m512i u1 = _mm512_add_epi32(_mm512_unpacklo_epi64(t[2], t[3]), _mm512_unpackhi_epi64(t[2], t[3]));
    // lanes of 128 bits: [u0.0 + u0.1, u0.2 + u0.3, u1.0 + u1.1, u1.2 + u1.3]
    return _mm512_add_epi32(_mm512_shuffle_i32x4(u0, u1, _MM_SHUFFLE(2, 0, 2, 0)),
                            _mm512_shuffle_i32x4(u0, u1, _MM_SHUFFLE(3, 1, 3, 1)));
}

// The 16 rows' block sums: register i of the reduction holds rows kLo[i] (low half) and kHi[i] (high
// half), so that reduce16 leaves row i in lane i.
constexpr int kLo[8] = {0, 1, 2, 3, 8, 9, 10, 11};
constexpr int kHi[8] = {4, 5, 6, 7, 12, 13, 14, 15};

// 16 consecutive rows × one token (decode), rows in the 16 lanes of the accumulator, with the same
// arithmetic as eight_rows_one_token: exact integer block sums, then per row
// acc = fma(float(block sum), d_w·d_a, acc) over the blocks in order. Two rows share each 512-bit
// multiply-add, and one reduction serves all 16 rows. Needs r0 + 16 <= number of rows.
// This is the file's row-major layout (16 streams); sixteen_interleaved_rows_one_token is the fast one.
template <typename F>
void sixteen_rows_one_token(const WeightMatrix& w, int64_t r0, const BlockQ8_0* a, const float* da, const int32_t* bias,
                            float* y) {
    using Block = typename F::Block;
    const uint8_t* base = w.data + static_cast<size_t>(r0) * w.row_bytes;
    const Block* lo[8];
    const Block* hi[8];
    for (int i = 0; i < 8; ++i) {
        lo[i] = reinterpret_cast<const Block*>(base + static_cast<size_t>(kLo[i]) * w.row_bytes);
        hi[i] = reinterpret_cast<const Block*>(base + static_cast<size_t>(kHi[i]) * w.row_bytes);
    }
    const __m512i row_offsets =
        _mm512_mullo_epi32(_mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
                           _mm512_set1_epi32(static_cast<int32_t>(w.row_bytes)));
    const int64_t nb = w.n_in / kQK8_0;
    __m512 acc = _mm512_setzero_ps();
    for (int64_t k = 0; k < nb; ++k) {
        const __m512i av = _mm512_broadcast_i64x4(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(a[k].qs)));
        // 16 rows are 16 streams, more than the hardware prefetcher keeps up with: fetch ahead in
        // software, half the rows per block (each row's prefetch advances 36 or 68 bytes every other block).
        const int h = static_cast<int>(k & 1) * 4;
        for (int i = 0; i < 4; ++i) {
            _mm_prefetch(reinterpret_cast<const char*>(lo[h + i] + k + kPrefetchBlocks), _MM_HINT_T0);
            _mm_prefetch(reinterpret_cast<const char*>(hi[h + i] + k + kPrefetchBlocks), _MM_HINT_T0);
        }
        __m512i s[8];
        for (int i = 0; i < 8; ++i) {
            const __m512i q = F::unpack_pair(reinterpret_cast<const uint8_t*>(lo[i][k].qs),
                                             reinterpret_cast<const uint8_t*>(hi[i][k].qs));
            s[i] = _mm512_dpbusd_epi32(_mm512_setzero_si512(), q, av);
        }
        const __m512i sums = _mm512_add_epi32(reduce16(s), _mm512_set1_epi32(bias[k]));
        // The 16 rows' fp16 scales: gather the dword at each block's start (d is its low half).
        const __m512i d32 = _mm512_i32gather_epi32(row_offsets, base + static_cast<size_t>(k) * sizeof(Block), 1);
        const __m512 dw = _mm512_cvtph_ps(_mm512_cvtepi32_epi16(d32));
        acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sums), _mm512_mul_ps(dw, _mm512_set1_ps(da[k])), acc);
    }
    _mm512_storeu_ps(y + r0, acc);
}

// How far ahead the interleaved decode kernel prefetches, in 16-blocks (288 bytes of Q4_0, 544 of Q8_0).
constexpr int64_t kInterleavedPrefetch = 8;

// The same 16 rows × one token on the interleaved layout (quant/interleave16.h): block k of the 16 rows
// is one run of bytes, the 16 scales first, so the whole group is a single sequential stream and the
// scales are one load. Same arithmetic, same bits as sixteen_rows_one_token.
template <typename F>
void sixteen_interleaved_rows_one_token(const Interleaved16& w16, int64_t group, const BlockQ8_0* a, const float* da,
                                        const int32_t* bias, float* y16) {
    constexpr size_t kPayload = sizeof(typename F::Block) - 2;
    const size_t stride = w16.group_block_bytes();
    const uint8_t* blocks = w16.block16(group, 0);
    __m512 acc = _mm512_setzero_ps();
    for (int64_t k = 0; k < w16.n_blocks; ++k) {
        const uint8_t* b = blocks + static_cast<size_t>(k) * stride;
        const uint8_t* ahead = b + kInterleavedPrefetch * stride;
        for (size_t line = 0; line < stride; line += 64) _mm_prefetch(reinterpret_cast<const char*>(ahead + line), _MM_HINT_T0);
        const __m512i av = _mm512_broadcast_i64x4(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(a[k].qs)));
        const uint8_t* payload = b + kInterleaveScaleBytes;
        __m512i s[8];
        for (int i = 0; i < 8; ++i) {
            const __m512i q = F::unpack_pair(payload + kLo[i] * kPayload, payload + kHi[i] * kPayload);
            s[i] = _mm512_dpbusd_epi32(_mm512_setzero_si512(), q, av);
        }
        const __m512i sums = _mm512_add_epi32(reduce16(s), _mm512_set1_epi32(bias[k]));
        const __m512 dw = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(b)));
        acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sums), _mm512_mul_ps(dw, _mm512_set1_ps(da[k])), acc);
    }
    _mm512_storeu_ps(y16, acc);
}

template <typename F>
void gemm_per_token(const WeightMatrix& w, int64_t row0, int64_t row1, const Q8ActivationLayout& l, const uint8_t* act,
                    float* y) {
    const int64_t nb = l.n_blocks;
    const float* scales = reinterpret_cast<const float*>(act + l.scales);
    const int32_t* bias = F::bias(l, act);
    const auto token_row = [&](int64_t t) {
        return reinterpret_cast<const BlockQ8_0*>(act + l.rows + static_cast<size_t>(t) * l.row_stride);
    };
    if (w.layout == RowLayout::Interleaved16) {  // whole groups: the matmul splits rows in multiples of 16
        const Interleaved16 w16{w.data, nb, sizeof(typename F::Block)};
        for (int64_t r = row0; r < row1; r += kInterleaveRows)
            for (int64_t t = 0; t < l.n_tokens; ++t)
                sixteen_interleaved_rows_one_token<F>(w16, r / kInterleaveRows, token_row(t), scales + t * nb,
                                                      bias + t * nb, y + t * w.n_out + r);
        return;
    }
    int64_t r = row0;
    for (; r + 16 <= row1; r += 16)
        for (int64_t t = 0; t < l.n_tokens; ++t)
            sixteen_rows_one_token<F>(w, r, token_row(t), scales + t * nb, bias + t * nb, y + t * w.n_out);
    for (; r < row1; r += 8)
        for (int64_t t = 0; t < l.n_tokens; ++t)
            eight_rows_one_token<F>(w, r, row1, token_row(t), scales + t * nb, bias + t * nb, y + t * w.n_out);
}

// R rows × C groups of 16 tokens. rows[r] locates row r's blocks (block k is stride·k further);
// groups[c] points at group c's n_blocks blocks.
template <typename F, int R, int C>
void tile_grouped(const RowBlocks* rows, size_t stride, const Q8TokenGroupBlock* const* groups, int64_t nb,
                  __m512 result[R][C]) {
    __m512 facc[R][C];
    for (int r = 0; r < R; ++r)
        for (int c = 0; c < C; ++c) facc[r][c] = _mm512_setzero_ps();
    for (int64_t k = 0; k < nb; ++k) {
        const size_t at = static_cast<size_t>(k) * stride;
        __m512i iacc[R][C];
        for (int c = 0; c < C; ++c) {
            const __m512i b = _mm512_loadu_si512(F::group_bias(groups[c][k]));
            for (int r = 0; r < R; ++r) iacc[r][c] = b;
        }
#pragma GCC unroll 8
        for (int g = 0; g < 8; ++g) {
            __m512i wq[R];
            for (int r = 0; r < R; ++r) wq[r] = F::quad(rows[r].qs + at, g);
#pragma GCC unroll 2
            for (int c = 0; c < C; ++c) {
                const __m512i av = _mm512_loadu_si512(groups[c][k].qs[g]);
#pragma GCC unroll 4
                for (int r = 0; r < R; ++r) iacc[r][c] = _mm512_dpbusd_epi32(iacc[r][c], wq[r], av);
            }
        }
        for (int c = 0; c < C; ++c) {
            const __m512 da = _mm512_loadu_ps(groups[c][k].d);
            for (int r = 0; r < R; ++r) {
                const __m512 scale = _mm512_mul_ps(_mm512_set1_ps(_cvtsh_ss(load_u16(rows[r].d + at))), da);
                facc[r][c] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(iacc[r][c]), scale, facc[r][c]);
            }
        }
    }
    for (int r = 0; r < R; ++r)
        for (int c = 0; c < C; ++c) result[r][c] = facc[r][c];
}

template <typename F, int R, int C>
void run_tile(const WeightMatrix& w, int64_t r, int64_t g, const Q8ActivationLayout& l, const uint8_t* act, float* y) {
    RowBlocks rows[R];
    for (int i = 0; i < R; ++i) rows[i] = row_blocks<F>(w, r + i);
    const auto* all = reinterpret_cast<const Q8TokenGroupBlock*>(act + l.groups);
    const Q8TokenGroupBlock* groups[C];
    for (int c = 0; c < C; ++c) groups[c] = all + (g + c) * l.n_blocks;
    __m512 result[R][C];
    tile_grouped<F, R, C>(rows, block_stride<F>(w), groups, l.n_blocks, result);
    alignas(64) float lanes[16];
    for (int c = 0; c < C; ++c) {
        const int64_t t0 = (g + c) * kTokenGroupLanes;
        const int64_t n = l.n_tokens - t0 < kTokenGroupLanes ? l.n_tokens - t0 : kTokenGroupLanes;
        for (int i = 0; i < R; ++i) {
            _mm512_store_ps(lanes, result[i][c]);
            for (int64_t lane = 0; lane < n; ++lane) y[(t0 + lane) * w.n_out + r + i] = lanes[lane];
        }
    }
}

template <typename F, int C>
void rows_grouped(const WeightMatrix& w, int64_t row0, int64_t row1, int64_t g, const Q8ActivationLayout& l,
                  const uint8_t* act, float* y) {
    int64_t r = row0;
    for (; r + 4 <= row1; r += 4) run_tile<F, 4, C>(w, r, g, l, act, y);
    for (; r < row1; ++r) run_tile<F, 1, C>(w, r, g, l, act, y);
}

template <typename F>
void gemm(const WeightMatrix& w, int64_t row0, int64_t row1, const Q8ActivationLayout& l, const uint8_t* act, float* y) {
    if (l.n_groups == 0) {
        gemm_per_token<F>(w, row0, row1, l, act, y);
        return;
    }
    int64_t g = 0;
    for (; g + 2 <= l.n_groups; g += 2) rows_grouped<F, 2>(w, row0, row1, g, l, act, y);
    if (g < l.n_groups) rows_grouped<F, 1>(w, row0, row1, g, l, act, y);
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

}  // namespace chord::avx512
