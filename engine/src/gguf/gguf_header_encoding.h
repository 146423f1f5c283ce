#pragma once
// The byte encoding of a GGUF v3 header (magic, counts, metadata, tensor infos), shared by GgufWriter and
// GgufStreamWriter so both always lay files out the same way.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "chord/gguf.h"

namespace chord::gguf_encoding {

inline uint64_t padded(uint64_t n, uint64_t alignment) { return (n + alignment - 1) / alignment * alignment; }

// Header bytes padded to `alignment`; tensor offsets are laid out back to back, each padded to `alignment`.
std::vector<uint8_t> encode_header(const GgufMetadataWriter::Entries& metadata,
                                   const std::vector<GgufTensorEntry>& tensors, uint32_t alignment);

// Closes `file` (written as path + ".tmp") and renames it over `path`; on any failure removes the .tmp and
// throws Io naming `path`. `write_ok` says whether every earlier write succeeded (errno then holds why not).
void commit_temp_file(std::FILE* file, const std::string& path, bool write_ok);

}  // namespace chord::gguf_encoding
