#include "chord/session.h"

#include <algorithm>
#include <thread>

#include <fmt/format.h>

#include "chord/error.h"
#include "chord/model.h"
#include "model/hparams.h"
#include "runtime/session_state.h"

namespace chord {

const char* attention_backend_name(AttentionBackend b) { return b == AttentionBackend::Flash ? "flash" : "standard"; }
const char* kv_type_name(KvType t) { return t == KvType::F16 ? "f16" : "f32"; }

namespace {

int resolve_ctx(const HyperParams& hp, int wanted) {
    if (wanted > 0) return wanted;
    return std::min(hp.n_ctx_train > 0 ? hp.n_ctx_train : 2048, 4096);
}

int resolve_threads(int wanted) {
    if (wanted > 0) return wanted;
    return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

Session::State::State(const Model& model, const SessionOptions& opts, int ctx, int threads)
    : options(opts),
      n_ctx(ctx),
      pool(threads),
      kv(model.hparams(), ctx, opts.kv_type),
      flash(make_attention(AttentionBackend::Flash)),
      standard(make_attention(AttentionBackend::Standard)),
      backend(opts.attention) {
    const HyperParams& hp = model.hparams();
    const auto b = static_cast<size_t>(std::max(1, opts.n_batch));
    x.resize(b * static_cast<size_t>(hp.n_embd));
    xn.resize(b * static_cast<size_t>(hp.n_embd));
    q.resize(b * static_cast<size_t>(hp.q_dim()));
    k.resize(b * static_cast<size_t>(hp.kv_dim()));
    v.resize(b * static_cast<size_t>(hp.kv_dim()));
    att.resize(b * static_cast<size_t>(hp.q_dim()));
    proj.resize(b * static_cast<size_t>(hp.n_embd));
    gate.resize(b * static_cast<size_t>(hp.n_ff));
    up.resize(b * static_cast<size_t>(hp.n_ff));
}

uint64_t Session::State::buffer_bytes() const {
    size_t n = 0;
    for (const auto* buf : {&x, &xn, &q, &k, &v, &att, &proj, &gate, &up, &logits}) n += buf->capacity() * sizeof(float);
    return n + matmul_scratch.activations.capacity();
}

Session::Session(std::shared_ptr<const Model> model, SessionOptions options) : model_(std::move(model)) {
    if (!model_) throw Error(ErrorKind::InvalidArgument, "Session needs a model");
    if (options.n_ctx < 0 || options.n_ctx > (1 << 22)) throw Error(ErrorKind::InvalidArgument, "context size out of range");
    if (options.n_batch <= 0) options.n_batch = 512;
    const int ctx = resolve_ctx(model_->hparams(), options.n_ctx);
    options.n_batch = std::min(options.n_batch, ctx);
    state_ = std::make_unique<State>(*model_, options, ctx, resolve_threads(options.n_threads));
}

Session::~Session() = default;

std::span<const float> Session::decode(std::span<const TokenId> tokens, const std::atomic<bool>* cancel,
                                       bool all_logits) {
    State& s = *state_;
    if (tokens.empty()) throw Error(ErrorKind::InvalidArgument, "decode needs at least one token");
    if (s.n_past + static_cast<int64_t>(tokens.size()) > s.n_ctx)
        throw Error(ErrorKind::ContextOverflow,
                    fmt::format("{} tokens do not fit: {} of the context's {} positions are used", tokens.size(),
                                s.n_past, s.n_ctx));
    const int n_vocab = model_->hparams().n_vocab;
    std::vector<float> all;
    const int batch = s.options.n_batch;
    for (size_t start = 0; start < tokens.size(); start += static_cast<size_t>(batch)) {
        const int n = static_cast<int>(std::min(tokens.size() - start, static_cast<size_t>(batch)));
        forward_batch(*model_, s, tokens.data() + start, n, all_logits, cancel);
        if (all_logits) all.insert(all.end(), s.logits.begin(), s.logits.end());
    }
    if (all_logits) s.logits = std::move(all);
    const size_t rows = s.logits.size() / static_cast<size_t>(n_vocab);
    return {s.logits.data() + (rows - 1) * static_cast<size_t>(n_vocab), static_cast<size_t>(n_vocab)};
}

std::span<const float> Session::logits() const { return state_->logits; }
int Session::n_past() const { return state_->n_past; }
int Session::n_ctx() const { return state_->n_ctx; }

void Session::truncate(int n_keep) {
    if (n_keep < 0) throw Error(ErrorKind::InvalidArgument, "truncate: negative position");
    state_->n_past = std::min(state_->n_past, n_keep);
}

void Session::shift(int n_keep, int n_discard) {
    State& s = *state_;
    if (n_keep < 0 || n_discard <= 0 || n_keep + n_discard > s.n_past)
        throw Error(ErrorKind::InvalidArgument, "shift: range outside the cache");
    const int n_move = s.n_past - n_keep - n_discard;
    s.kv.move(n_keep + n_discard, n_keep, n_move);
    s.kv.rotate_k(n_keep, n_move, -n_discard, model_->hparams(), model_->weights());
    s.n_past -= n_discard;
}

void Session::set_attention(AttentionBackend backend) { state_->backend = backend; }
AttentionBackend Session::attention() const { return state_->backend; }
KvType Session::kv_type() const { return state_->kv.type(); }
int Session::n_threads() const { return state_->pool.size(); }

MemoryReport Session::memory() const {
    MemoryReport r;
    r.model_mapped_bytes = model_->mapped_bytes();
    r.weight_bytes = model_->weight_bytes();
    r.kv_cache_bytes = state_->kv.bytes();
    r.scratch_bytes = state_->buffer_bytes();
    r.attention_scratch_bytes = state_->attention().peak_allocated_bytes();  // the backend in use
    return r;
}

}  // namespace chord
