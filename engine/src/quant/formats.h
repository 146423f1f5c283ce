#pragma once
// The QuantFormat of every type with code; each is defined in its own file.
#include "quant/quant.h"

namespace chord {

extern const QuantFormat kFormatF32;
extern const QuantFormat kFormatF16;
extern const QuantFormat kFormatBF16;
extern const QuantFormat kFormatQ8_0;
extern const QuantFormat kFormatQ4_0;
extern const QuantFormat kFormatQ8_1;
extern const QuantFormat kFormatQ4_1;
extern const QuantFormat kFormatQ5_0;
extern const QuantFormat kFormatQ5_1;
extern const QuantFormat kFormatQ8_K;
extern const QuantFormat kFormatQ2_K;
extern const QuantFormat kFormatQ3_K;
extern const QuantFormat kFormatQ4_K;
extern const QuantFormat kFormatQ5_K;
extern const QuantFormat kFormatQ6_K;
extern const QuantFormat kFormatIQ4_NL;
extern const QuantFormat kFormatIQ4_XS;

}  // namespace chord
