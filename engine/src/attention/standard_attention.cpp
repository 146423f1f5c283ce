#include "attention/standard_attention.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "attention/kv_rows.h"
#include "threading/thread_pool.h"

namespace chord {

namespace {

float dot(const float* a, const float* b, int n) {
    float sum = 0.0f;
    for (int i = 0; i < n; ++i) sum += a[i] * b[i];
    return sum;
}

float dot_f16(const float* a, const uint16_t* b, int n) {
    float sum = 0.0f;
    for (int i = 0; i < n; ++i) sum += a[i] * fp16_to_fp32(b[i]);
    return sum;
}

// out[0, n) += w · row (row F32 or F16).
void add_weighted_row(const KvHeadView& v, int pos, float w, float* out) {
    if (v.type == KvType::F32) {
        const float* row = v.f32_row(pos);
        for (int d = 0; d < v.head_dim; ++d) out[d] += w * row[d];
    } else {
        const uint16_t* row = v.f16_row(pos);
        for (int d = 0; d < v.head_dim; ++d) out[d] += w * fp16_to_fp32(row[d]);
    }
}

}  // namespace

size_t StandardAttention::scratch_bytes(const AttentionShape& s, int threads) const {
    // scores [n_head][n_q][n_kv] + per thread one query row [head_dim]
    const size_t scores = static_cast<size_t>(s.n_head) * s.n_q * s.n_kv;
    return ThreadScratch::bytes_for(scores, static_cast<size_t>(s.head_dim), threads);
}

void StandardAttention::run(const AttentionArgs& args, ThreadPool& pool) {
    check_attention_args(args);
    const AttentionShape& s = args.shape;
    const int group = s.n_head / s.n_head_kv;
    const int64_t n_kv = s.n_kv;
    scratch_.reserve(static_cast<size_t>(s.n_head) * s.n_q * s.n_kv, static_cast<size_t>(s.head_dim), pool.size());
    peak_allocated_ = scratch_.peak_bytes();
    float* all_scores = scratch_.shared();  // [n_head][n_q][n_kv]

    // One (head, query) row per index, head-major so a thread's contiguous chunk stays on few heads.
    const int64_t n_rows = static_cast<int64_t>(s.n_head) * s.n_q;
    pool.parallel_for(n_rows, [&](int64_t begin, int64_t end, int thread) {
        float* q_row = scratch_.thread(thread);  // [head_dim]
        for (int64_t r = begin; r < end; ++r) {
            const int head = static_cast<int>(r / s.n_q);
            const int i = static_cast<int>(r % s.n_q);
            const int kv_head = head / group;
            const KvHeadView k = kv_head_view(args.k, args.kv_type, args.kv_stride, s.head_dim, kv_head);
            const KvHeadView v = kv_head_view(args.v, args.kv_type, args.kv_stride, s.head_dim, kv_head);
            const int64_t qo_offset = (static_cast<int64_t>(i) * s.n_head + head) * s.head_dim;
            load_query(args.q + qo_offset, args.kv_type, s.head_dim, q_row);

            // scores = scale·q·k (softcapped), -inf where the causal mask or the window hides the key.
            float* scores = all_scores + r * n_kv;  // [n_kv]
            const KeyRange keys = visible_keys(s, i);
            float max_score = -std::numeric_limits<float>::infinity();
            for (int j = 0; j < s.n_kv; ++j) {
                if (j < keys.first || j > keys.last) {
                    scores[j] = -std::numeric_limits<float>::infinity();
                    continue;
                }
                const float d = k.type == KvType::F32 ? dot(q_row, k.f32_row(j), s.head_dim)
                                                      : dot_f16(q_row, k.f16_row(j), s.head_dim);
                scores[j] = scaled_score(d, s);
                max_score = std::max(max_score, scores[j]);
            }

            // softmax (the sum in double, as ggml's soft_max does)
            double sum = 0.0;
            for (int j = keys.first; j <= keys.last; ++j) {
                scores[j] = std::exp(scores[j] - max_score);
                sum += scores[j];
            }
            const float inv_sum = static_cast<float>(1.0 / sum);

            // out = Σ_j p_j · v_j, accumulated in f32
            float* out = args.out + qo_offset;
            for (int d = 0; d < s.head_dim; ++d) out[d] = 0.0f;
            for (int j = keys.first; j <= keys.last; ++j) {
                scores[j] *= inv_sum;
                add_weighted_row(v, j, scores[j], out);
            }
        }
    });
}

}  // namespace chord
