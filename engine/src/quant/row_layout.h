#pragma once
// How a weight matrix's bytes are ordered. Files store rows one after another; decode kernels that
// compute several rows at once read them fastest as one sequential stream, so matrices may be repacked
// once at load (model/weight_repack.h) into one of the interleaved layouts:
//   Interleaved16  quant/interleave16.h — Q4_0 / Q8_0: 16 rows' scales, then their payloads, block by block
//   Interleaved4   quant/interleave4.h  — any block format: 4 rows' whole blocks, block by block
// The bytes are the file's bytes, moved: only the order changes.
#include <cstdint>

namespace chord {

enum class RowLayout : uint8_t { RowMajor, Interleaved16, Interleaved4 };

}  // namespace chord
