#pragma once
// Refuses a model that cannot fit in memory before its file is mapped: a model larger than the RAM the
// system can give would page from disk for every token (minutes per word) or be killed by the OOM
// killer halfway through loading, long after the user chose it.
#include <cstdint>
#include <optional>
#include <string>

namespace chord {

struct LoadOptions;

// MemAvailable from /proc/meminfo (bytes the kernel can give without swapping), nullopt when unknown.
std::optional<uint64_t> available_memory_bytes();

// Throws Error{OutOfMemory} when file_bytes + options.extra_memory_bytes exceeds available memory,
// unless options.check_memory is off or the environment sets CHORD_SKIP_MEMORY_CHECK=1.
void check_model_fits_in_memory(const std::string& path, uint64_t file_bytes, const LoadOptions& options);

}  // namespace chord
