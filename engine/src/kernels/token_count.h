#pragma once
// Batch kernels keep one register (or lane) per token, so their token count is a template parameter;
// a tile's count is known only at run time. with_token_count turns the one into the other.
#include <cstdint>
#include <type_traits>

namespace chord {

// kernel(std::integral_constant<int, n>{}) for n in 1…N (a count above N calls the N case, below 1 the 1 case).
template <int N, class Kernel>
void with_token_count(int64_t n, const Kernel& kernel) {
    static_assert(N >= 1);
    if constexpr (N > 1) {
        if (n < N) return with_token_count<N - 1>(n, kernel);
    }
    kernel(std::integral_constant<int, N>{});
}

}  // namespace chord
