#pragma once
// The error a chat template raises: a syntax error, a runtime type error, a limit reached, or the
// template's own raise_exception(). Callers fall back to a recognised format on it.
#include <string>

#include "chord/error.h"

namespace chord::jinja {

class TemplateError : public Error {
public:
    explicit TemplateError(const std::string& message, int line = 0)
        : Error(ErrorKind::InvalidArgument, line > 0 ? "chat template line " + std::to_string(line) + ": " + message
                                                     : "chat template: " + message) {}
};

}  // namespace chord::jinja
