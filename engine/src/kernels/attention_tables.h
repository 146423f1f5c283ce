#pragma once
// SIMD versions of the attention inner loops (attention/attention_kernels.h), one table per ISA folder.
#include "kernels/kernels.h"

namespace chord {

struct AttentionKernels;

// The table for a level if this build has it and this CPU runs it (the scalar level has none here:
// attention/attention_kernels_scalar.cpp owns the reference), else nullptr.
const AttentionKernels* attention_kernels_for(SimdLevel level);

// Defined in each ISA folder; nullptr when not compiled for this architecture.
const AttentionKernels* avx2_attention_kernels();
const AttentionKernels* avx512_attention_kernels();
const AttentionKernels* neon_attention_kernels();

}  // namespace chord
