#pragma once
// The quantizer shared by IQ4_NL and IQ4_XS (ggml's quantize_row_iq4_nl_impl without importance
// weights): for each 32-element block, a scale search over the non-linear levels kIq4nlValues.
#include <cstdint>

namespace chord {

// Index of the level nearest to v in the ascending table values[0…n−1] (ties go to the upper level
// only when strictly closer, as ggml's best_index_int8).
int nearest_level_index(int n, const int8_t* values, float v);

// Quantizes super_block_size values (32 for IQ4_NL, 256 for IQ4_XS) in blocks of 32.
//   d: fp16 super-block scale (for IQ4_NL the block scale itself).
//   qs: super_block_size/2 bytes of nibbles (per 32 values: element j low, j+16 high).
//   scales_h, scales_l: IQ4_XS's 6-bit block scales (ignored when super_block_size is 32).
//   ntry: half-width of the scale search; llama-quantize uses 7 (ggml's *_ref uses −1 for IQ4_NL).
void quantize_iq4_superblock(int super_block_size, const float* x, uint16_t* d, uint8_t* qs, uint16_t* scales_h,
                             uint8_t* scales_l, int ntry);

}  // namespace chord
