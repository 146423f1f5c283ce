#pragma once
// Builds the statement tree of a chat template from its chunks (Jinja's grammar and operator
// precedence: filters and `is` tests bind tighter than arithmetic, `~` between + and *).
#include <vector>

#include "chat/template_ast.h"
#include "chat/template_lexer.h"

namespace chord::jinja {

// Throws TemplateError (with the line) on a syntax error or nesting deeper than the limit.
std::vector<Node> parse_template(const std::vector<Chunk>& chunks);

}  // namespace chord::jinja
