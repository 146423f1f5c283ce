// Process and CPU facts the app and tools show.
#include <cstdio>
#include <cstring>
#include <string>

#include "chord/generator.h"
#include "kernels/kernels.h"

namespace chord {

namespace {
uint64_t status_kib(const char* field) {
    std::FILE* f = std::fopen("/proc/self/status", "r");
    if (!f) return 0;
    char line[256];
    uint64_t kib = 0;
    const size_t len = std::strlen(field);
    while (std::fgets(line, sizeof line, f)) {
        if (std::strncmp(line, field, len) == 0) {
            kib = std::strtoull(line + len, nullptr, 10);
            break;
        }
    }
    std::fclose(f);
    return kib;
}
}  // namespace

std::string cpu_backend_name() { return kernels().name; }
void select_simd_level(const std::string& level) { select_kernels(level); }
uint64_t process_rss_bytes() { return status_kib("VmRSS:") * 1024; }
uint64_t process_peak_rss_bytes() { return status_kib("VmHWM:") * 1024; }

}  // namespace chord
