#pragma once
// Include first in every file whose float arithmetic must match ggml bit for bit.
//
// GCC fuses a·b + c into one fused multiply-add wherever the target has one (always on aarch64,
// -ffp-contract=fast is GCC's default). A fused result skips a rounding, so a quantizer picks a
// different level or scale than ggml's x86 build, which rounds every product. Turn fusion off for
// the rest of this translation unit.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif
