#pragma once
// Minimal JSON output for the tools (strings escaped per RFC 8259; bytes that are not UTF-8 become U+FFFD).
#include <string>
#include <string_view>

namespace chord::tools {

std::string json_string(std::string_view s);

}  // namespace chord::tools
