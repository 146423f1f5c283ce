#pragma once
// The QuantFormat of every type with code; each is defined in its own file.
#include "quant/quant.h"

namespace chord {

extern const QuantFormat kFormatF32;
extern const QuantFormat kFormatF16;
extern const QuantFormat kFormatBF16;
extern const QuantFormat kFormatQ8_0;
extern const QuantFormat kFormatQ4_0;

}  // namespace chord
