#include "chord/sampler.h"

#include <algorithm>
#include <cmath>

#include "chord/error.h"

namespace chord {

namespace {

// Higher logit first; equal logits keep the lower id first so results never depend on sort stability.
bool before(TokenId a_id, float a, TokenId b_id, float b) { return a > b || (a == b && a_id < b_id); }

// Probabilities of logits[0, n) (softmax in double) written to probs.
void softmax(const float* logits, size_t n, std::vector<double>& probs) {
    const float max_logit = *std::max_element(logits, logits + n);
    probs.resize(n);
    double sum = 0.0;
    for (size_t i = 0; i < n; ++i) sum += (probs[i] = std::exp(static_cast<double>(logits[i]) - max_logit));
    for (double& p : probs) p /= sum;
}

// Uniform double in [0, 1) from the top 53 bits: the same on every standard library
// (std::uniform_real_distribution is not specified bit for bit).
double uniform01(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

// A NaN or +infinity logit comes from corrupt weights (NaN/Inf in the file) or an overflowing forward
// pass. Sorting or normalising such logits is undefined (NaN breaks the strict ordering std::sort needs),
// so generation stops with an error the user can act on instead. -infinity is a masked token, but not
// every token can be masked.
void require_finite(std::span<const float> logits) {
    bool any_finite = false;
    for (const float l : logits) {
        if (std::isnan(l) || l == INFINITY)
            throw Error(ErrorKind::BadFile, "the model computed a NaN or infinite logit: its weights are probably "
                                            "corrupt (NaN or Inf values in the file); re-download or re-convert it");
        any_finite = any_finite || l != -INFINITY;
    }
    if (!any_finite) throw Error(ErrorKind::BadFile, "the model computed no finite logit: its weights are probably corrupt");
}

}  // namespace

Sampler::Sampler(SamplerParams params) : params_(params), rng_(params.seed) {}

void Sampler::set_params(const SamplerParams& params) {
    const bool reseed = params.seed != params_.seed;
    params_ = params;
    if (reseed) rng_.seed(params_.seed);
    const size_t keep = static_cast<size_t>(std::max(0, params_.penalty_last_n));
    if (recent_.size() > keep) recent_.erase(recent_.begin(), recent_.end() - static_cast<std::ptrdiff_t>(keep));
}

void Sampler::accept(TokenId id) {
    if (params_.penalty_last_n <= 0) return;
    if (recent_.size() >= static_cast<size_t>(params_.penalty_last_n)) recent_.erase(recent_.begin());
    recent_.push_back(id);
}

void Sampler::reset() {
    recent_.clear();
    rng_.seed(params_.seed);
}

TokenId Sampler::argmax(std::span<const float> logits) {
    if (logits.empty()) throw Error(ErrorKind::InvalidArgument, "sampler: no logits to choose from");
    // The first maximum: ties go to the lowest id.
    return static_cast<TokenId>(std::max_element(logits.begin(), logits.end()) - logits.begin());
}

TokenId Sampler::sample(std::span<const float> logits) {
    if (logits.empty()) throw Error(ErrorKind::InvalidArgument, "sampler: no logits to choose from");
    require_finite(logits);
    const SamplerParams& p = params_;
    candidates_.resize(logits.size());
    for (size_t i = 0; i < logits.size(); ++i) candidates_[i] = {static_cast<TokenId>(i), logits[i]};

    // 1. Penalties on tokens among the last penalty_last_n accepted (llama.cpp: divide a positive logit
    //    by the repeat penalty, multiply a negative one; subtract count·frequency + presence).
    const bool penalize = p.penalty_last_n > 0 && !recent_.empty() &&
                          (p.repeat_penalty != 1.0f || p.frequency_penalty != 0.0f || p.presence_penalty != 0.0f);
    if (penalize) {
        std::vector<TokenId> seen(recent_);
        std::sort(seen.begin(), seen.end());
        for (size_t i = 0; i < seen.size();) {
            size_t j = i;
            while (j < seen.size() && seen[j] == seen[i]) ++j;
            const TokenId id = seen[i];
            const auto count = static_cast<float>(j - i);
            i = j;
            if (id < 0 || static_cast<size_t>(id) >= candidates_.size()) continue;
            float& logit = candidates_[static_cast<size_t>(id)].logit;
            logit = logit <= 0.0f ? logit * p.repeat_penalty : logit / p.repeat_penalty;
            logit -= count * p.frequency_penalty + p.presence_penalty;
        }
    }

    // Greedy: the top-k/top-p/min-p filters all keep the maximum, so only the argmax matters.
    if (p.temperature <= 0.0f) {
        size_t best = 0;
        for (size_t i = 1; i < candidates_.size(); ++i)
            if (candidates_[i].logit > candidates_[best].logit) best = i;
        return candidates_[best].id;
    }

    // 2. top-k: keep the k highest logits, sorted best first (everything sorted when off; top-p needs it).
    auto by_logit = [](const Candidate& a, const Candidate& b) { return before(a.id, a.logit, b.id, b.logit); };
    const size_t k = p.top_k > 0 ? std::min(candidates_.size(), static_cast<size_t>(p.top_k)) : candidates_.size();
    std::partial_sort(candidates_.begin(), candidates_.begin() + static_cast<std::ptrdiff_t>(k), candidates_.end(),
                      by_logit);
    candidates_.resize(k);

    std::vector<float> kept(candidates_.size());
    std::vector<double> probs;

    // 3. top-p: the smallest prefix whose probability (softmax of what is left) reaches top_p.
    if (p.top_p < 1.0f) {
        for (size_t i = 0; i < candidates_.size(); ++i) kept[i] = candidates_[i].logit;
        softmax(kept.data(), candidates_.size(), probs);
        double cumulative = 0.0;
        size_t n = candidates_.size();
        for (size_t i = 0; i < probs.size(); ++i) {
            cumulative += probs[i];
            if (cumulative >= p.top_p) {
                n = i + 1;
                break;
            }
        }
        candidates_.resize(n);
    }

    // 4. min-p: drop tokens less likely than min_p × the most likely one, i.e. logit < max + ln(min_p).
    if (p.min_p > 0.0f) {
        const float threshold = candidates_.front().logit + std::log(p.min_p);
        size_t n = 1;
        while (n < candidates_.size() && candidates_[n].logit >= threshold) ++n;
        candidates_.resize(n);
    }

    // 5. Temperature, then a draw from softmax(logits / T).
    kept.resize(candidates_.size());
    for (size_t i = 0; i < candidates_.size(); ++i) kept[i] = candidates_[i].logit / p.temperature;
    softmax(kept.data(), kept.size(), probs);
    const double u = uniform01(rng_);
    double cumulative = 0.0;
    for (size_t i = 0; i < probs.size(); ++i) {
        cumulative += probs[i];
        if (u < cumulative) return candidates_[i].id;
    }
    return candidates_.back().id;  // u within rounding of 1
}

}  // namespace chord
