#include "attention/flash_attention.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "attention/attention_kernels.h"
#include "attention/kv_rows.h"
#include "threading/thread_pool.h"

namespace chord {

namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();
static_assert(FlashAttention::kKeyTile % 64 == 0, "weighted_sum_f32 needs tiles that start at multiples of 64");

// How the rows of one KV head — (query i, head g of its group), row = i·group + g — are cut into blocks.
struct RowBlocking {
    int group = 1;           // query heads per KV head
    int rows_per_head = 1;   // n_q · group
    int rows_per_block = 1;  // <= FlashAttention::kMaxRows
    int blocks_per_head = 1;
};

RowBlocking row_blocking(const AttentionShape& s, int threads) {
    RowBlocking b;
    b.group = s.n_head / s.n_head_kv;
    b.rows_per_head = s.n_q * b.group;
    // Enough blocks that every thread has work even when there are fewer KV heads than threads (decode).
    const int blocks_wanted = std::max(1, (threads + s.n_head_kv - 1) / s.n_head_kv);
    const int even_split = (b.rows_per_head + blocks_wanted - 1) / blocks_wanted;
    b.rows_per_block = std::clamp(even_split, 1, FlashAttention::kMaxRows);
    b.blocks_per_head = (b.rows_per_head + b.rows_per_block - 1) / b.rows_per_block;
    return b;
}

// Per-thread scratch, in floats, for blocks of `rows` rows.
struct ThreadBuffers {
    float* q;       // [rows][head_dim]  query rows as q·k sees them
    float* acc;     // [rows][head_dim]  Σ exp(s - m)·v, rescaled as m grows
    float* scores;  // [rows][kKeyTile]  scores, then probabilities of the current tile
    float* max;     // [rows]            running max m
    float* sum;     // [rows]            running Σ exp(s - m)

    static size_t floats(int rows, int head_dim) {
        const size_t r = static_cast<size_t>(rows), d = static_cast<size_t>(head_dim);
        const size_t t = FlashAttention::kKeyTile;
        return 2 * r * d + r * t + 2 * r;
    }
    static ThreadBuffers carve(float* base, int rows, int head_dim) {
        const size_t r = static_cast<size_t>(rows), d = static_cast<size_t>(head_dim);
        const size_t t = FlashAttention::kKeyTile;
        ThreadBuffers b{};
        b.q = base;
        b.acc = b.q + r * d;
        b.scores = b.acc + r * d;
        b.max = b.scores + r * t;
        b.sum = b.max + r;
        return b;
    }
};

// The K or V rows of one key tile, straight from the cache. An F16 cache is read by the F16 kernels
// (fused multiply-adds over widened lanes, as standard attention and ggml's F16 dot do); an F32 cache by
// the F32 ones, which keep the scalar table's order (the reference-test configuration).
struct KeyTile {
    const float* f32[FlashAttention::kKeyTile];
    const uint16_t* f16[FlashAttention::kKeyTile];
    bool is_f16 = false;

    // out[j] = q·row j for j in [j0, j1).
    void dots(const AttentionKernels& kern, const float* q, int j0, int j1, int n, float* out) const {
        if (is_f16 && kern.dot_rows_f16) {
            if (j1 > j0) kern.dot_rows_f16(q, f16 + j0, j1 - j0, n, out + j0);
            return;
        }
        for (int j = j0; j < j1; ++j) out[j] = is_f16 ? kern.dot_f32_f16(q, f16[j], n) : kern.dot_f32(q, f32[j], n);
    }
    // acc += p[j]·row j for the rows with p[j] != 0, in order.
    void weighted_add(const AttentionKernels& kern, float* acc, const float* p, int n_rows, int n) const {
        if (is_f16 && kern.axpy_rows_f16) {
            kern.axpy_rows_f16(acc, p, f16, n_rows, n);
            return;
        }
        for (int j = 0; j < n_rows; ++j) {
            if (p[j] == 0.0f) continue;
            if (is_f16) kern.axpy_f16(acc, p[j], f16[j], n);
            else kern.axpy_f32(acc, p[j], f32[j], n);
        }
    }
};

// Online softmax for one row and one key tile (scores already masked with -inf): folds the tile into
// the row's running max m, running sum l and accumulator acc, so that at every point
//   acc = Σ_{keys so far} exp(s_j - m)·v_j   and   l = Σ_{keys so far} exp(s_j - m).
// weighted_lanes > 0: F32 cache, where a row whose keys fit one tile takes ggml's order (weighted_sum_f32).
void online_softmax_step(const AttentionKernels& kern, float* scores, int n_keys, const KeyTile& v, int head_dim,
                         bool only_tile, int weighted_lanes, float& m, float& l, float* acc) {
    float tile_max = kNegInf;
    for (int j = 0; j < n_keys; ++j) tile_max = std::max(tile_max, scores[j]);
    if (tile_max == kNegInf) return;  // every key of this tile is masked for this row: nothing to add

    // A row whose visible keys all lie in this tile is normalised before weighting V, exactly as standard
    // attention (and llama.cpp) do: the same rounding, so a value on an fp16 tie later rounds the same way.
    if (only_tile) {
        const double sum = kern.exp_shifted(scores, n_keys, tile_max);
        kern.scale_f32(scores, static_cast<float>(1.0 / sum), n_keys);
        if (weighted_lanes > 0) {
            // F32 cache: the tile's rows are consecutive cache rows, and the tile starts at a multiple of 64.
            kern.weighted_sum_f32(acc, scores, v.f32[0], head_dim, n_keys, head_dim, weighted_lanes);
        } else {
            v.weighted_add(kern, acc, scores, n_keys, head_dim);
        }
        m = tile_max;
        l = 1.0f;
        return;
    }

    // The max only grows. What was accumulated relative to the old max shrinks by exp(m_old - m_new):
    // 0 on the first contributing tile (m_old = -inf, acc and l still 0), 1 when the max did not move.
    const float m_new = std::max(m, tile_max);
    const float rescale = std::exp(m - m_new);
    if (rescale != 1.0f) {
        kern.scale_f32(acc, rescale, head_dim);
        l *= rescale;
    }

    // This tile's weights exp(s_j - m_new) <= 1, so nothing overflows whatever the scores; masked keys
    // (and weights that underflow) are 0 and add nothing.
    l += static_cast<float>(kern.exp_shifted(scores, n_keys, m_new));
    v.weighted_add(kern, acc, scores, n_keys, head_dim);
    m = m_new;
}

}  // namespace

size_t FlashAttention::scratch_bytes(const AttentionShape& s, int threads) const {
    const RowBlocking b = row_blocking(s, threads);
    return ThreadScratch::bytes_for(0, ThreadBuffers::floats(b.rows_per_block, s.head_dim), threads);
}

void FlashAttention::run(const AttentionArgs& args, ThreadPool& pool) {
    check_attention_args(args);
    const AttentionShape& s = args.shape;
    const AttentionKernels& kern = *kernels_;
    const int hd = s.head_dim;
    const bool f16 = args.kv_type == KvType::F16;
    const RowBlocking blocking = row_blocking(s, pool.size());
    const int weighted_lanes = f16 ? 0 : weighted_sum_lanes(s.n_q, hd);
    scratch_.reserve(0, ThreadBuffers::floats(blocking.rows_per_block, hd), pool.size());
    peak_allocated_ = scratch_.peak_bytes();

    const int64_t n_tasks = static_cast<int64_t>(s.n_head_kv) * blocking.blocks_per_head;
    pool.run(n_tasks, [&](int64_t task, int thread) {
        const int kv_head = static_cast<int>(task / blocking.blocks_per_head);
        const int row0 = static_cast<int>(task % blocking.blocks_per_head) * blocking.rows_per_block;
        const int n_rows = std::min(blocking.rows_per_block, blocking.rows_per_head - row0);
        ThreadBuffers buf = ThreadBuffers::carve(scratch_.thread(thread), blocking.rows_per_block, hd);
        const KvHeadView k = kv_head_view(args.k, args.kv_type, args.kv_stride, hd, kv_head);
        const KvHeadView v = kv_head_view(args.v, args.kv_type, args.kv_stride, hd, kv_head);

        // Row r of the block is query i = (row0 + r) / group of head kv_head·group + (row0 + r) % group.
        auto query_of = [&](int r) { return (row0 + r) / blocking.group; };
        auto qo_offset = [&](int r) {
            const int head = kv_head * blocking.group + (row0 + r) % blocking.group;
            return (static_cast<int64_t>(query_of(r)) * s.n_head + head) * hd;
        };
        for (int r = 0; r < n_rows; ++r) {
            float* q = buf.q + static_cast<int64_t>(r) * hd;
            if (f16) kern.round_through_f16(args.q + qo_offset(r), q, hd);
            else std::copy_n(args.q + qo_offset(r), hd, q);
            std::fill_n(buf.acc + static_cast<int64_t>(r) * hd, hd, 0.0f);
            buf.max[r] = kNegInf;
            buf.sum[r] = 0.0f;
        }

        // Keys any row of the block can see; tiles stay aligned to multiples of kKeyTile so each row's
        // arithmetic does not depend on how rows were blocked (same result for any thread count).
        const int first_key = visible_keys(s, query_of(0)).first;
        const int last_key = visible_keys(s, query_of(n_rows - 1)).last;
        KeyTile k_tile, v_tile;
        k_tile.is_f16 = v_tile.is_f16 = f16;
        for (int t0 = first_key / kKeyTile * kKeyTile; t0 <= last_key; t0 += kKeyTile) {
            const int n_keys = std::min(kKeyTile, last_key + 1 - t0);
            for (int j = 0; j < n_keys; ++j) {
                if (f16) {
                    k_tile.f16[j] = k.f16_row(t0 + j);
                    v_tile.f16[j] = v.f16_row(t0 + j);
                } else {
                    k_tile.f32[j] = k.f32_row(t0 + j);
                    v_tile.f32[j] = v.f32_row(t0 + j);
                }
            }
            for (int r = 0; r < n_rows; ++r) {
                const KeyRange keys = visible_keys(s, query_of(r));
                const float* q = buf.q + static_cast<int64_t>(r) * hd;
                float* scores = buf.scores + static_cast<int64_t>(r) * kKeyTile;
                // The visible keys of a row are one contiguous run of the tile.
                const int j0 = std::clamp(keys.first - t0, 0, n_keys);
                const int j1 = std::clamp(keys.last + 1 - t0, j0, n_keys);
                k_tile.dots(kern, q, j0, j1, hd, scores);
                for (int j = 0; j < n_keys; ++j) scores[j] = j >= j0 && j < j1 ? scaled_score(scores[j], s) : kNegInf;
                const bool only_tile = keys.first >= t0 && keys.last < t0 + n_keys;
                online_softmax_step(kern, scores, n_keys, v_tile, hd, only_tile, weighted_lanes, buf.max[r], buf.sum[r],
                                    buf.acc + static_cast<int64_t>(r) * hd);
            }
        }

        for (int r = 0; r < n_rows; ++r) {
            const float inv_sum = 1.0f / buf.sum[r];
            const float* acc = buf.acc + static_cast<int64_t>(r) * hd;
            float* out = args.out + qo_offset(r);
            for (int d = 0; d < hd; ++d) out[d] = acc[d] * inv_sum;
        }
    });
}

}  // namespace chord
