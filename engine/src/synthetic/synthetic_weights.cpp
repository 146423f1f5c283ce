// The seeded weight generator documented in chord/synthetic_model.h (counter-based: any row on its own).
#include <cmath>

#include "chord/error.h"
#include "chord/synthetic_model.h"
#include "synthetic/weight_source.h"

namespace chord {

namespace {

uint64_t mix64(uint64_t z) {
    z ^= z >> 30;
    z *= 0xBF58476D1CE4E5B9ull;
    z ^= z >> 27;
    z *= 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// Standard deviation of a sum of four uniform 16-bit integers: sqrt(4 · (65536² − 1) / 12).
const double kIrwinHallSigma = std::sqrt(4.0 * (65536.0 * 65536.0 - 1.0) / 12.0);
constexpr int64_t kIrwinHallMean = 4 * 65535 / 2;  // 131070

}  // namespace

void fill_weight_row(uint64_t seed, float stddev, size_t tensor_index, int64_t row, bool is_norm, std::span<float> out) {
    if (is_norm) {
        for (float& x : out) x = 1.0f;
        return;
    }
    const uint64_t row_key = mix64(mix64(mix64(seed) ^ (tensor_index + 1)) ^ (static_cast<uint64_t>(row) + 1));
    const auto scale = static_cast<float>(static_cast<double>(stddev) / kIrwinHallSigma);
    for (size_t i = 0; i < out.size(); ++i) {
        const uint64_t u = mix64(row_key + (i + 1) * 0x9E3779B97F4A7C15ull);
        const int64_t s = static_cast<int64_t>((u & 0xFFFF) + ((u >> 16) & 0xFFFF) + ((u >> 32) & 0xFFFF) + (u >> 48));
        out[i] = static_cast<float>(s - kIrwinHallMean) * scale;
    }
}

void synthetic_weight_row(const SyntheticModelSpec& spec, size_t tensor_index, int64_t row, std::span<float> out) {
    const std::vector<SyntheticTensor> plan = synthetic_tensor_plan(spec);
    if (tensor_index >= plan.size()) throw Error(ErrorKind::InvalidArgument, "synthetic_weight_row: no such tensor");
    const SyntheticTensor& t = plan[tensor_index];
    int64_t n_rows = 1;
    for (size_t d = 1; d < t.ne.size(); ++d) n_rows *= t.ne[d];
    if (static_cast<int64_t>(out.size()) != t.ne[0] || row < 0 || row >= n_rows)
        throw Error(ErrorKind::InvalidArgument, "synthetic_weight_row: row out of range, or output not one row of " + t.name);
    fill_weight_row(spec.seed, spec.stddev, tensor_index, row, t.is_norm, out);
}

}  // namespace chord
