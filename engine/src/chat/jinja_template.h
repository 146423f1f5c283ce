#pragma once
// A parsed chat template, ready to render with different variables.
#include <string>
#include <string_view>
#include <vector>

#include "chat/template_ast.h"
#include "chat/template_interpreter.h"

namespace chord::jinja {

class JinjaTemplate {
public:
    explicit JinjaTemplate(std::string_view source);  // throws TemplateError on a syntax error
    std::string render(Dict variables, const RenderLimits& limits = {}) const;

private:
    std::vector<Node> nodes_;
};

}  // namespace chord::jinja
