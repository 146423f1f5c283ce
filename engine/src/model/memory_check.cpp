#include "model/memory_check.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "chord/error.h"
#include "chord/model.h"

namespace chord {

std::optional<uint64_t> available_memory_bytes() {
    std::FILE* f = std::fopen("/proc/meminfo", "r");
    if (!f) return std::nullopt;
    char line[256];
    std::optional<uint64_t> bytes;
    while (std::fgets(line, sizeof line, f)) {
        if (std::strncmp(line, "MemAvailable:", 13) == 0) {
            bytes = std::strtoull(line + 13, nullptr, 10) * 1024;  // the field is in kB
            break;
        }
    }
    std::fclose(f);
    return bytes;
}

void check_model_fits_in_memory(const std::string& path, uint64_t file_bytes, const LoadOptions& options) {
    if (!options.check_memory) return;
    if (const char* skip = std::getenv("CHORD_SKIP_MEMORY_CHECK"); skip && std::strcmp(skip, "1") == 0) return;
    const std::optional<uint64_t> available = available_memory_bytes();
    if (!available) return;
    const uint64_t needed = file_bytes + options.extra_memory_bytes;
    if (needed <= *available) return;
    const auto gb = [](uint64_t b) { return static_cast<double>(b) / 1e9; };
    throw Error(ErrorKind::OutOfMemory,
                fmt::format("{}: the model needs about {:.1f} GB of memory ({:.1f} GB of weights{}) but only {:.1f} GB "
                            "is available; close other programs or choose a smaller model (a lower quantization such "
                            "as Q4_0). Set CHORD_SKIP_MEMORY_CHECK=1 to try anyway.",
                            std::filesystem::path(path).filename().string(), gb(needed), gb(file_bytes),
                            options.extra_memory_bytes > 0 ? fmt::format(" + {:.1f} GB for the context", gb(options.extra_memory_bytes))
                                                           : std::string(),
                            gb(*available)));
}

}  // namespace chord
