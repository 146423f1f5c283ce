// Model::load: map the file, read hyperparameters, bind weights, build the tokenizer.
#include "chord/model.h"

#include <filesystem>
#include <map>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "chord/error.h"
#include "chord/gguf.h"
#include "kernels/kernels.h"
#include "model/hparams.h"
#include "model/memory_check.h"
#include "model/weight_repack.h"
#include "model/weights.h"

namespace chord {

namespace {

bool report(const LoadOptions& o, float p) {
    return !o.progress || o.progress(p);
}

void check_cancel(const LoadOptions& o, float p, const std::string& path) {
    if (!report(o, p)) throw Error(ErrorKind::Cancelled, path + ": loading cancelled");
}

// The weight type that holds most parameters names the file's quantization ("Q4_0", "F16").
std::string dominant_type(const GgufFile& f) {
    std::map<std::string, int64_t> count;
    for (const GgufTensor& t : f.tensors())
        if (t.n_dims >= 2) count[std::string(tensor_type_name(t.type))] += t.n_elements();
    std::string best = "F32";
    int64_t most = -1;
    for (const auto& [name, n] : count)
        if (n > most) best = name, most = n;
    return best;
}

}  // namespace

std::shared_ptr<Model> Model::load(const std::string& path, const LoadOptions& options) {
    check_cancel(options, 0.0f, path);
    std::error_code size_error;
    const uintmax_t file_bytes = std::filesystem::file_size(path, size_error);
    if (!size_error) check_model_fits_in_memory(path, file_bytes, options);  // a missing file: open() says so
    std::shared_ptr<Model> m(new Model());
    m->file_ = GgufFile::open(path);
    check_cancel(options, 0.2f, path);
    m->hparams_ = std::make_unique<HyperParams>(HyperParams::from_gguf(*m->file_));
    HyperParams& hp = *m->hparams_;
    const GgufTensor* embd = m->file_->tensor("token_embd.weight");
    if (!embd) throw Error(ErrorKind::BadFile, path + ": tensor token_embd.weight is missing");
    if (embd->ne[1] <= 0 || embd->ne[1] > (1 << 24)) throw Error(ErrorKind::BadFile, path + ": vocabulary size out of range");
    hp.n_vocab = static_cast<int>(embd->ne[1]);
    m->weights_ = std::make_unique<ModelWeights>(ModelWeights::bind(*m->file_, hp));
    check_cancel(options, 0.3f, path);
    const RepackSummary repacked = repack_weights(*m->weights_, *m->file_, kernels());
    if (repacked.matrices > 0)
        spdlog::debug("{}: {} matrices ({:.1f} MiB) repacked for {}", path, repacked.matrices,
                      static_cast<double>(repacked.bytes) / (1 << 20), kernels().name);
    check_cancel(options, 0.5f, path);
    m->tokenizer_ = Tokenizer::from_gguf(*m->file_);
    if (m->tokenizer_->vocab().size() != hp.n_vocab)
        throw Error(ErrorKind::BadFile, fmt::format("{}: the vocabulary has {} tokens but the embedding has {} rows", path,
                                                    m->tokenizer_->vocab().size(), hp.n_vocab));
    check_cancel(options, 0.9f, path);

    ModelInfo& info = m->info_;
    info.path = path;
    info.name = m->file_->get_string("general.name").value_or(std::filesystem::path(path).stem().string());
    info.architecture = hp.arch;
    info.file_type = dominant_type(*m->file_);
    for (const GgufTensor& t : m->file_->tensors()) info.n_params += static_cast<uint64_t>(t.n_elements());
    info.file_bytes = m->file_->file_size();
    info.context_length = hp.n_ctx_train;
    info.n_vocab = hp.n_vocab;
    info.n_embd = hp.n_embd;
    info.n_layer = hp.n_layer;
    info.n_head = hp.n_head;
    info.n_head_kv = hp.n_head_kv;
    info.head_dim = hp.head_dim;
    info.n_ff = hp.n_ff;
    info.chat_template = m->file_->get_string("tokenizer.chat_template").value_or("");
    spdlog::info("loaded {}: {} {} layers, dim {}, {} heads ({} KV), vocab {}, {}", path, hp.arch, hp.n_layer, hp.n_embd,
                 hp.n_head, hp.n_head_kv, hp.n_vocab, info.file_type);
    spdlog::debug("{}: head size {}, rope {} dims base {} scale {}, norm eps {}, sliding window {} (period {}), "
                  "softcap {}/{}, query scale {}",
                  hp.arch, hp.head_dim, hp.n_rot, hp.rope_freq_base, hp.rope_freq_scale, hp.norm_eps, hp.sliding_window,
                  hp.swa_period, hp.attn_softcap, hp.final_softcap, hp.q_scale);
    report(options, 1.0f);
    return m;
}

Model::~Model() = default;

uint64_t Model::mapped_bytes() const { return file_->file_size(); }
uint64_t Model::weight_bytes() const { return weights_->total_bytes(); }

uint64_t Model::kv_cache_bytes(int n_ctx, bool f16) const {
    const uint64_t per_pos = 2ull * static_cast<uint64_t>(hparams_->kv_dim()) * (f16 ? 2 : 4);
    return per_pos * static_cast<uint64_t>(n_ctx) * static_cast<uint64_t>(hparams_->n_layer);
}

}  // namespace chord
