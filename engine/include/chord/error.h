#pragma once
// The one exception type at the engine's API boundary. Its message is written for a user to act on
// ("model.gguf: tensor blk.3.ffn_up.weight ends past the end of the file (truncated download?)").
#include <stdexcept>
#include <string>

namespace chord {

enum class ErrorKind {
    BadFile,         // not a GGUF, truncated, hostile or inconsistent
    Unsupported,     // a valid file using something Chord does not implement (type, architecture, version)
    NotFound,        // missing file
    OutOfMemory,     // would not fit in memory
    ContextOverflow, // prompt longer than the context
    Cancelled,       // the caller asked to stop
    Io,              // read/write failure (full disk…)
    InvalidArgument, // API misuse
};

class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    ErrorKind kind() const noexcept { return kind_; }

private:
    ErrorKind kind_;
};

}  // namespace chord
