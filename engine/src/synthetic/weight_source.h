#pragma once
// The seeded weight generator of chord/synthetic_model.h, without the plan lookup (the writer's hot loop).
#include <cstddef>
#include <cstdint>
#include <span>

namespace chord {

// Row `row` of tensor number `tensor_index` (file order): out.size() weights; ones for a norm tensor.
void fill_weight_row(uint64_t seed, float stddev, size_t tensor_index, int64_t row, bool is_norm, std::span<float> out);

}  // namespace chord
