#pragma once
// JSON for chat templates: tojson as Hugging Face defines it (Python's json.dumps with ensure_ascii
// off, insertion order kept), and parsing JSON into template values (tool lists, extra variables).
#include <string>
#include <string_view>

#include "chat/template_value.h"

namespace chord::jinja {

// indent < 0: one line with ", " and ": " separators; otherwise one item per line.
std::string to_json(const Value& v, int indent = -1);

// Throws TemplateError on malformed input.
Value parse_json(std::string_view text);

}  // namespace chord::jinja
