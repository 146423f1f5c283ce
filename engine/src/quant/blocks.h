#pragma once
// Block structs of the 32-element ggml formats, byte for byte as ggml lays them out.
#include <cstdint>

namespace chord {

constexpr int kQK8_0 = 32;
// Q8_0, 34 bytes: d (fp16 scale) | qs[32] (int8). x[i] = d · qs[i].
struct BlockQ8_0 {
    uint16_t d;
    int8_t qs[kQK8_0];
};
static_assert(sizeof(BlockQ8_0) == 34);

constexpr int kQK4_0 = 32;
// Q4_0, 18 bytes: d (fp16 scale) | qs[16]: byte j holds element j in its low nibble and element j+16
// in its high nibble, each stored as q + 8 (q in -8…7). x[i] = d · (nibble − 8).
struct BlockQ4_0 {
    uint16_t d;
    uint8_t qs[kQK4_0 / 2];
};
static_assert(sizeof(BlockQ4_0) == 18);

constexpr int kQK4_1 = 32;
// Q4_1, 20 bytes: d (fp16 scale) | m (fp16 minimum) | qs[16]: byte j holds element j in its low nibble
// and element j+16 in its high nibble (q in 0…15). x[i] = d · q + m.
struct BlockQ4_1 {
    uint16_t d;
    uint16_t m;
    uint8_t qs[kQK4_1 / 2];
};
static_assert(sizeof(BlockQ4_1) == 20);

constexpr int kQK5_0 = 32;
// Q5_0, 22 bytes: d (fp16 scale) | qh[4]: little-endian u32 whose bit j is the 5th bit of element j |
// qs[16]: low nibbles as in Q4_0 (element j low, element j+16 high). q = (nibble | bit<<4) in 0…31;
// x[i] = d · (q − 16).
struct BlockQ5_0 {
    uint16_t d;
    uint8_t qh[4];
    uint8_t qs[kQK5_0 / 2];
};
static_assert(sizeof(BlockQ5_0) == 22);

constexpr int kQK5_1 = 32;
// Q5_1, 24 bytes: d (fp16 scale) | m (fp16 minimum) | qh[4] (5th bits, as Q5_0) | qs[16] (low nibbles,
// as Q5_0). q in 0…31; x[i] = d · q + m.
struct BlockQ5_1 {
    uint16_t d;
    uint16_t m;
    uint8_t qh[4];
    uint8_t qs[kQK5_1 / 2];
};
static_assert(sizeof(BlockQ5_1) == 24);

constexpr int kQK8_1 = 32;
// Q8_1, 36 bytes (activations only): d (fp16 scale) | s (fp16 of d·Σqs, d taken before rounding to
// fp16) | qs[32] (int8). x[i] = d · qs[i]; s lets a dot with Q4_1/Q5_1 add the weight's minimum as m·s.
struct BlockQ8_1 {
    uint16_t d;
    uint16_t s;
    int8_t qs[kQK8_1];
};
static_assert(sizeof(BlockQ8_1) == 36);

constexpr int kQK4_NL = 32;
// IQ4_NL, 18 bytes: d (fp16 scale) | qs[16]: nibbles laid out as Q4_0, each an index into the
// non-linear table kIq4nlValues. x[i] = d · kIq4nlValues[nibble].
struct BlockIQ4_NL {
    uint16_t d;
    uint8_t qs[kQK4_NL / 2];
};
static_assert(sizeof(BlockIQ4_NL) == 18);

// The 16 levels of IQ4_NL and IQ4_XS (ggml's kvalues_iq4nl), denser near zero where weights cluster.
inline constexpr int8_t kIq4nlValues[16] = {-127, -104, -83, -65, -49, -35, -22, -10,
                                            1,    13,   25,  38,  53,  69,  89,  113};

}  // namespace chord
