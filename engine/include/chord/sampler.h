#pragma once
// Turns logits into the next token: penalties, then temperature, top-k, top-p, min-p, then a draw
// from a seeded RNG (same seed, same text). temperature <= 0 is greedy (argmax, ties to the lowest id).
#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "chord/tokenizer.h"

namespace chord {

struct SamplerParams {
    float temperature = 0.8f;
    int top_k = 40;            // <= 0: off
    float top_p = 0.95f;       // >= 1: off
    float min_p = 0.05f;       // <= 0: off
    float repeat_penalty = 1.1f;  // 1: off (llama.cpp style: divide positive logits, multiply negative)
    float frequency_penalty = 0.0f;
    float presence_penalty = 0.0f;
    int penalty_last_n = 64;   // how many recent tokens the penalties look at
    uint64_t seed = 0xC40D;
};

class Sampler {
public:
    explicit Sampler(SamplerParams params = {});
    const SamplerParams& params() const { return params_; }
    void set_params(const SamplerParams& params);

    TokenId sample(std::span<const float> logits);  // uses and updates the recent-token history
    void accept(TokenId id);                        // record a token (prompt or forced) for the penalties
    void reset();                                   // clear history and reseed

    static TokenId argmax(std::span<const float> logits);

private:
    SamplerParams params_;
    std::mt19937_64 rng_;
    std::vector<TokenId> recent_;
    struct Candidate { TokenId id; float logit; };
    std::vector<Candidate> candidates_;  // reused between calls
};

}  // namespace chord
