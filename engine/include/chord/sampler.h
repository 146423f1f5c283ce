#pragma once
// Turns logits into the next token in llama.cpp's default order: repetition/frequency/presence penalties
// → top-k → top-p → min-p → temperature → a draw from a seeded RNG (same seed and history, same tokens).
// temperature <= 0 is greedy: the argmax of the penalised logits, ties to the lowest id.
// The history the penalties read is fed by accept() only: sample() does NOT record the token it returns.
// Call accept(id) for every token given to the model (prompt tokens, sampled tokens, forced tokens).
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
    float repeat_penalty = 1.0f;  // 1: off, llama.cpp's default; > 1 divides positive logits, multiplies negative
    float frequency_penalty = 0.0f;
    float presence_penalty = 0.0f;
    int penalty_last_n = 64;   // how many recent accepted tokens the penalties look at; <= 0: off
    uint64_t seed = 0xC40D;
};

class Sampler {
public:
    explicit Sampler(SamplerParams params = {});
    const SamplerParams& params() const { return params_; }
    void set_params(const SamplerParams& params);  // keeps the history; reseeds only if the seed changed

    // Picks a token from logits [n_vocab]; reads the history, does not add to it. Throws chord::Error
    // (InvalidArgument) on empty logits.
    TokenId sample(std::span<const float> logits);
    void accept(TokenId id);  // record a token given to the model (prompt, sampled or forced)
    void reset();             // clear the history and reseed

    static TokenId argmax(std::span<const float> logits);

private:
    SamplerParams params_;
    std::mt19937_64 rng_;
    std::vector<TokenId> recent_;
    struct Candidate { TokenId id; float logit; };
    std::vector<Candidate> candidates_;  // reused between calls
};

}  // namespace chord
