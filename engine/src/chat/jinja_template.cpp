#include "chat/jinja_template.h"

#include "chat/template_lexer.h"
#include "chat/template_parser.h"

namespace chord::jinja {

JinjaTemplate::JinjaTemplate(std::string_view source) : nodes_(parse_template(lex_template(source))) {}

std::string JinjaTemplate::render(Dict variables, const RenderLimits& limits) const {
    return Interpreter(std::move(variables), limits).render(nodes_);
}

}  // namespace chord::jinja
