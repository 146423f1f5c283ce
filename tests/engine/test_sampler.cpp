// Sampler: greedy and its ties, top-k/top-p/min-p keep exactly the sets their definitions give (the sets
// are computed here from the probabilities), penalties as llama.cpp applies them, seeding, and draws whose
// empirical frequencies match softmax(logits / T).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "chord/error.h"
#include "chord/sampler.h"
#include "chord_test.h"

namespace {

using chord::Sampler;
using chord::SamplerParams;
using chord::TokenId;

// Only the stage under test is on.
SamplerParams plain(float temperature) {
    SamplerParams p;
    p.temperature = temperature;
    p.top_k = 0;
    p.top_p = 1.0f;
    p.min_p = 0.0f;
    p.repeat_penalty = 1.0f;
    p.frequency_penalty = 0.0f;
    p.presence_penalty = 0.0f;
    return p;
}

std::vector<float> log_probs(const std::vector<double>& probs) {
    std::vector<float> logits;
    for (double p : probs) logits.push_back(static_cast<float>(std::log(p)));
    return logits;
}

std::map<TokenId, int> draw_counts(Sampler& sampler, const std::vector<float>& logits, int n) {
    std::map<TokenId, int> counts;
    for (int i = 0; i < n; ++i) ++counts[sampler.sample(logits)];
    return counts;
}

std::set<TokenId> keys_of(const std::map<TokenId, int>& counts) {
    std::set<TokenId> s;
    for (const auto& [id, n] : counts) s.insert(id);
    return s;
}

// |observed frequency - p| within 5 standard deviations of a binomial proportion (plus a hair).
bool frequency_close(int count, int n, double p) {
    const double f = static_cast<double>(count) / n;
    return std::abs(f - p) <= 5.0 * std::sqrt(p * (1.0 - p) / n) + 1e-4;
}

std::vector<float> random_logits(std::mt19937_64& rng, int n, float spread) {
    std::normal_distribution<float> normal(0.0f, spread);
    std::vector<float> logits(static_cast<size_t>(n));
    for (auto& x : logits) x = normal(rng);
    return logits;
}

}  // namespace

class TestSampler : public QObject {
    Q_OBJECT
private slots:
    void greedyIsArgmaxWithTiesToLowestId();
    void topKOfOneIsGreedyAtAnyTemperature();
    void topKDrawsOnlyTheKBest();
    void sameSeedSameTokensOtherSeedOthers();
    void topPKeepsSmallestSetReachingP();
    void minPDropsTokensBelowFractionOfMax();
    void repetitionPenaltyLowersRepeatedTokens();
    void frequencyAndPresencePenalties();
    void sampleDoesNotRecordItsToken();
    void frequenciesMatchSoftmaxAtTemperature();
    void rejectsEmptyLogits();
};

void TestSampler::greedyIsArgmaxWithTiesToLowestId() {
    const std::vector<float> logits = {0.5f, -1.0f, 2.0f, 3.25f, 1.0f, 3.25f, -7.0f, 3.25f};
    QCOMPARE(Sampler::argmax(logits), TokenId{3});
    for (float t : {0.0f, -1.0f}) {
        Sampler sampler(plain(t));
        for (int i = 0; i < 5; ++i) QCOMPARE(sampler.sample(logits), TokenId{3});
    }
    // Greedy ignores top-k/top-p/min-p settings (they all keep the maximum).
    SamplerParams p = SamplerParams{};
    p.temperature = 0.0f;
    p.repeat_penalty = 1.0f;
    Sampler with_filters(p);
    QCOMPARE(with_filters.sample(logits), TokenId{3});
}

void TestSampler::topKOfOneIsGreedyAtAnyTemperature() {
    std::mt19937_64 rng(11);
    for (float t : {0.1f, 1.0f, 5.0f, 100.0f}) {
        SamplerParams p = plain(t);
        p.top_k = 1;
        Sampler sampler(p);
        for (int i = 0; i < 50; ++i) {
            const auto logits = random_logits(rng, 1000, 1.0f);
            QCOMPARE(sampler.sample(logits), Sampler::argmax(logits));
        }
    }
}

void TestSampler::topKDrawsOnlyTheKBest() {
    std::mt19937_64 rng(5);
    const auto logits = random_logits(rng, 50, 0.3f);  // flat: without top-k all 50 would show up
    std::vector<TokenId> order(logits.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](TokenId a, TokenId b) { return logits[a] > logits[b]; });
    SamplerParams p = plain(1.0f);
    p.top_k = 4;
    Sampler sampler(p);
    const auto counts = draw_counts(sampler, logits, 5000);
    QVERIFY((keys_of(counts) == std::set<TokenId>(order.begin(), order.begin() + 4)));
}

void TestSampler::sameSeedSameTokensOtherSeedOthers() {
    auto run = [](uint64_t seed) {
        SamplerParams p;  // the default chain, penalties on
        p.seed = seed;
        p.repeat_penalty = 1.1f;
        p.top_k = 0;
        p.min_p = 0.0f;
        Sampler sampler(p);
        std::mt19937_64 logits_rng(99);  // same logits for every run
        std::vector<TokenId> tokens;
        for (int i = 0; i < 200; ++i) {
            const TokenId id = sampler.sample(random_logits(logits_rng, 64, 0.5f));
            sampler.accept(id);
            tokens.push_back(id);
        }
        return tokens;
    };
    const auto a = run(42), b = run(42), c = run(43);
    QVERIFY(a == b);
    QVERIFY(a != c);
    // reset() reseeds: the same sampler replays its sequence.
    SamplerParams p = plain(1.0f);
    p.seed = 7;
    Sampler sampler(p);
    const std::vector<float> flat(100, 0.0f);
    std::vector<TokenId> first, second;
    for (int i = 0; i < 30; ++i) first.push_back(sampler.sample(flat));
    sampler.reset();
    for (int i = 0; i < 30; ++i) second.push_back(sampler.sample(flat));
    QVERIFY(first == second);
}

void TestSampler::topPKeepsSmallestSetReachingP() {
    // Hand-built distribution, deliberately not in id order; no partial sum equals a tested p.
    const std::vector<double> probs = {0.05, 0.25, 0.02, 0.40, 0.10, 0.15, 0.03};
    const auto logits = log_probs(probs);
    for (float top_p : {0.3f, 0.5f, 0.7f, 0.85f, 0.9f, 0.99f}) {
        // Expected: most likely first, add tokens until the cumulative probability reaches top_p.
        std::vector<TokenId> order(probs.size());
        std::iota(order.begin(), order.end(), 0);
        std::sort(order.begin(), order.end(), [&](TokenId a, TokenId b) { return probs[a] > probs[b]; });
        std::set<TokenId> expected;
        double cumulative = 0.0;
        for (TokenId id : order) {
            expected.insert(id);
            cumulative += probs[static_cast<size_t>(id)];
            if (cumulative >= top_p) break;
        }
        // llama.cpp's order: top-p picks the set from the untempered logits, temperature applies after,
        // so the kept tokens are drawn with probabilities ∝ p^(1/T).
        for (float t : {1.0f, 2.0f}) {
            double kept_mass = 0.0;
            for (TokenId id : expected) kept_mass += std::pow(probs[static_cast<size_t>(id)], 1.0 / t);
            SamplerParams p = plain(t);
            p.top_p = top_p;
            Sampler sampler(p);
            const int n = 40000;
            const auto counts = draw_counts(sampler, logits, n);
            const std::string what = "top_p " + std::to_string(top_p) + " T " + std::to_string(t);
            QVERIFY2(keys_of(counts) == expected, what.c_str());
            for (const auto& [id, count] : counts)
                QVERIFY2(frequency_close(count, n, std::pow(probs[static_cast<size_t>(id)], 1.0 / t) / kept_mass),
                         what.c_str());
        }
    }
}

void TestSampler::minPDropsTokensBelowFractionOfMax() {
    const std::vector<double> probs = {0.06, 0.5, 0.12, 0.2, 0.04, 0.08};
    const auto logits = log_probs(probs);
    for (float min_p : {0.05f, 0.1f, 0.15f, 0.3f, 0.5f}) {
        const double p_max = *std::max_element(probs.begin(), probs.end());
        std::set<TokenId> expected;
        for (size_t i = 0; i < probs.size(); ++i)
            if (probs[i] >= min_p * p_max) expected.insert(static_cast<TokenId>(i));
        SamplerParams p = plain(1.0f);
        p.min_p = min_p;
        Sampler sampler(p);
        const auto counts = draw_counts(sampler, logits, 20000);
        QVERIFY2(keys_of(counts) == expected, ("min_p " + std::to_string(min_p)).c_str());
    }
}

void TestSampler::repetitionPenaltyLowersRepeatedTokens() {
    SamplerParams p = plain(0.0f);
    p.repeat_penalty = 1.1f;
    p.penalty_last_n = 4;
    Sampler sampler(p);
    // Positive logits are divided: 2.0 / 1.1 = 1.82 < 1.9.
    const std::vector<float> positive = {0.0f, 1.9f, 2.0f, 0.5f};
    QCOMPARE(sampler.sample(positive), TokenId{2});
    sampler.accept(2);
    QCOMPARE(sampler.sample(positive), TokenId{1});
    // Negative logits are multiplied: -1.0 · 1.1 = -1.1 < -1.05.
    const std::vector<float> negative = {-1.0f, -1.05f, -3.0f};
    QCOMPARE(sampler.sample(negative), TokenId{0});
    sampler.accept(0);
    QCOMPARE(sampler.sample(negative), TokenId{1});
    // Only the last penalty_last_n accepted tokens count: push token 2 out of the window.
    for (TokenId id : {3, 3, 3, 3}) sampler.accept(id);
    QCOMPARE(sampler.sample(positive), TokenId{2});
    // reset() forgets the history.
    sampler.accept(2);
    QCOMPARE(sampler.sample(positive), TokenId{1});
    sampler.reset();
    QCOMPARE(sampler.sample(positive), TokenId{2});
}

void TestSampler::frequencyAndPresencePenalties() {
    // logit -= count · frequency + presence (for tokens seen at least once)
    SamplerParams p = plain(0.0f);
    p.frequency_penalty = 0.2f;
    p.penalty_last_n = 64;
    Sampler sampler(p);
    const std::vector<float> logits = {1.0f, 1.5f, 0.0f};
    for (int i = 0; i < 2; ++i) sampler.accept(1);  // 1.5 - 2·0.2 = 1.1 > 1.0
    QCOMPARE(sampler.sample(logits), TokenId{1});
    sampler.accept(1);  // 1.5 - 3·0.2 = 0.9 < 1.0
    QCOMPARE(sampler.sample(logits), TokenId{0});

    SamplerParams q = plain(0.0f);
    q.presence_penalty = 0.6f;
    Sampler presence(q);
    presence.accept(1);  // 1.5 - 0.6 = 0.9 < 1.0, however often it was seen
    QCOMPARE(presence.sample(logits), TokenId{0});
    q.presence_penalty = 0.4f;
    presence.set_params(q);  // history kept: 1.5 - 0.4 = 1.1
    for (int i = 0; i < 5; ++i) presence.accept(1);
    QCOMPARE(presence.sample(logits), TokenId{1});
}

void TestSampler::sampleDoesNotRecordItsToken() {
    SamplerParams p = plain(0.0f);
    p.repeat_penalty = 2.0f;
    Sampler sampler(p);
    const std::vector<float> logits = {1.0f, 1.2f};
    // Without accept(), the winner is not penalised however often it is sampled.
    for (int i = 0; i < 5; ++i) QCOMPARE(sampler.sample(logits), TokenId{1});
    sampler.accept(1);
    QCOMPARE(sampler.sample(logits), TokenId{0});
}

void TestSampler::frequenciesMatchSoftmaxAtTemperature() {
    const std::vector<float> logits = {1.0f, 0.2f, -0.5f, 2.0f, 0.0f, 1.5f, -2.0f, 0.7f};
    for (float t : {0.5f, 1.0f, 2.0f}) {
        std::vector<double> expected(logits.size());
        double sum = 0.0;
        for (size_t i = 0; i < logits.size(); ++i) sum += (expected[i] = std::exp(logits[i] / static_cast<double>(t)));
        for (double& e : expected) e /= sum;

        SamplerParams p = plain(t);
        p.seed = 1234 + static_cast<uint64_t>(t * 10);
        Sampler sampler(p);
        const int n = 100000;
        const auto counts = draw_counts(sampler, logits, n);
        for (size_t i = 0; i < logits.size(); ++i) {
            const auto it = counts.find(static_cast<TokenId>(i));
            const int c = it == counts.end() ? 0 : it->second;
            QVERIFY2(frequency_close(c, n, expected[i]),
                     ("T=" + std::to_string(t) + " token " + std::to_string(i) + ": " + std::to_string(c) +
                      " draws, expected p " + std::to_string(expected[i]))
                         .c_str());
        }
    }
}

void TestSampler::rejectsEmptyLogits() {
    Sampler sampler;
    QVERIFY_THROWS_EXCEPTION(chord::Error, sampler.sample({}));
    QVERIFY_THROWS_EXCEPTION(chord::Error, Sampler::argmax({}));
}

CHORD_TEST_MAIN(TestSampler, greedyIsArgmaxWithTiesToLowestId, topKOfOneIsGreedyAtAnyTemperature,
                topKDrawsOnlyTheKBest, sameSeedSameTokensOtherSeedOthers, topPKeepsSmallestSetReachingP,
                minPDropsTokensBelowFractionOfMax, repetitionPenaltyLowersRepeatedTokens,
                frequencyAndPresencePenalties, sampleDoesNotRecordItsToken, frequenciesMatchSoftmaxAtTemperature,
                rejectsEmptyLogits)
#ifndef CHORD_TEST_NO_QT
#include "test_sampler.moc"
#endif
