#include "attention/attention.h"

#include <cmath>
#include <string>

#include "attention/attention_kernels.h"
#include "attention/flash_attention.h"
#include "attention/kv_rows.h"
#include "attention/standard_attention.h"
#include "chord/error.h"

namespace chord {

Attention::Attention() : kernels_(&default_attention_kernels()) {}

std::unique_ptr<Attention> make_attention(AttentionBackend backend) {
    switch (backend) {
    case AttentionBackend::Flash: return std::make_unique<FlashAttention>();
    case AttentionBackend::Standard: return std::make_unique<StandardAttention>();
    }
    throw Error(ErrorKind::InvalidArgument, "unknown attention backend");
}

float scaled_score(float dot, const AttentionShape& s) {
    const float scaled = dot * s.scale;
    return s.softcap > 0.0f ? s.softcap * std::tanh(scaled / s.softcap) : scaled;
}

void check_attention_args(const AttentionArgs& args) {
    const AttentionShape& s = args.shape;
    auto fail = [](const std::string& what) { throw Error(ErrorKind::InvalidArgument, "attention: " + what); };
    if (!args.q || !args.k || !args.v || !args.out) fail("missing q, k, v or out buffer");
    if (s.n_q < 1 || s.n_kv < 1 || s.n_head < 1 || s.n_head_kv < 1 || s.head_dim < 1)
        fail("n_q, n_kv, n_head, n_head_kv and head_dim must be positive");
    if (s.n_head % s.n_head_kv != 0) fail("n_head must be a multiple of n_head_kv");
    if (s.pos0 < 0 || s.pos0 + s.n_q > s.n_kv) fail("query positions run past the keys in the cache");
    if (args.kv_stride < s.n_kv) fail("kv_stride is smaller than n_kv");
    if (s.window < 0 || s.softcap < 0.0f) fail("window and softcap must not be negative");
}

}  // namespace chord
