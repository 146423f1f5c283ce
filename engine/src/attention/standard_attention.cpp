#include "attention/standard_attention.h"

#include <algorithm>
#include <limits>

#include "attention/attention_kernels.h"
#include "attention/kv_rows.h"
#include "threading/thread_pool.h"

namespace chord {

size_t StandardAttention::scratch_bytes(const AttentionShape& s, int threads) const {
    // scores [n_head][n_q][n_kv] + per thread one query row [head_dim]
    const size_t scores = static_cast<size_t>(s.n_head) * s.n_q * s.n_kv;
    return ThreadScratch::bytes_for(scores, static_cast<size_t>(s.head_dim), threads);
}

void StandardAttention::run(const AttentionArgs& args, ThreadPool& pool) {
    check_attention_args(args);
    const AttentionShape& s = args.shape;
    const AttentionKernels& kern = *kernels_;
    const int hd = s.head_dim;
    const int group = s.n_head / s.n_head_kv;
    const bool f16 = args.kv_type == KvType::F16;
    scratch_.reserve(static_cast<size_t>(s.n_head) * s.n_q * s.n_kv, static_cast<size_t>(hd), pool.size());
    peak_allocated_ = scratch_.peak_bytes();
    float* all_scores = scratch_.shared();  // [n_head][n_q][n_kv]

    // One (head, query) row per index, head-major so a thread's contiguous chunk stays on few heads.
    const int64_t n_rows = static_cast<int64_t>(s.n_head) * s.n_q;
    pool.parallel_for(n_rows, [&](int64_t begin, int64_t end, int thread) {
        float* rounded_q = scratch_.thread(thread);  // [head_dim], F16 cache only
        for (int64_t r = begin; r < end; ++r) {
            const int head = static_cast<int>(r / s.n_q);
            const int i = static_cast<int>(r % s.n_q);
            const KvHeadView k = kv_head_view(args.k, args.kv_type, args.kv_stride, hd, head / group);
            const KvHeadView v = kv_head_view(args.v, args.kv_type, args.kv_stride, hd, head / group);
            const int64_t qo_offset = (static_cast<int64_t>(i) * s.n_head + head) * hd;
            const float* q = args.q + qo_offset;
            if (f16) {
                kern.round_through_f16(q, rounded_q, hd);
                q = rounded_q;
            }

            // scores = scale·q·k (softcapped); -inf where the causal mask or the window hides the key.
            float* scores = all_scores + r * s.n_kv;  // [n_kv]
            const KeyRange keys = visible_keys(s, i);
            std::fill(scores, scores + s.n_kv, -std::numeric_limits<float>::infinity());
            float max_score = -std::numeric_limits<float>::infinity();
            for (int j = keys.first; j <= keys.last; ++j) {
                const float d = f16 ? kern.dot_f32_f16(q, k.f16_row(j), hd) : kern.dot_f32(q, k.f32_row(j), hd);
                scores[j] = scaled_score(d, s);
                max_score = std::max(max_score, scores[j]);
            }

            // softmax over the visible keys (masked ones stay -inf, i.e. probability 0); with an F32 cache from
            // the 64-aligned key before them, so sums are blocked as ggml's (kernels' exp_shifted and
            // weighted_sum_f32 contracts)
            const int j0 = f16 ? keys.first : keys.first / 64 * 64;
            const int n_keys = keys.last - j0 + 1;
            const double sum = kern.exp_shifted(scores + j0, n_keys, max_score);
            kern.scale_f32(scores + j0, static_cast<float>(1.0 / sum), n_keys);

            // out = Σ_j p_j · v_j
            float* out = args.out + qo_offset;
            if (f16) {
                std::fill(out, out + hd, 0.0f);
                for (int j = keys.first; j <= keys.last; ++j) kern.axpy_f16(out, scores[j], v.f16_row(j), hd);
            } else {
                kern.weighted_sum_f32(out, scores + j0, v.f32_row(j0), hd, n_keys, hd, weighted_sum_lanes(s.n_q, hd));
            }
        }
    });
}

}  // namespace chord
