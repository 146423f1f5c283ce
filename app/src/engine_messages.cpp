#include "engine_messages.h"

#include "chord/error.h"

namespace chord::app {

// The engine's messages already name the file and the problem; the kind adds what the user can do.
QString describeEngineError(const std::exception& error) {
    const QString message = QString::fromStdString(error.what());
    const auto* engineError = dynamic_cast<const chord::Error*>(&error);
    if (!engineError) return message;
    switch (engineError->kind()) {
    case ErrorKind::BadFile:
        return QStringLiteral("This file is not a usable GGUF model: %1").arg(message);
    case ErrorKind::Unsupported:
        return QStringLiteral("Chord cannot run this model yet: %1").arg(message);
    case ErrorKind::NotFound:
        return QStringLiteral("The model file was not found: %1").arg(message);
    case ErrorKind::OutOfMemory:
        return QStringLiteral("Not enough memory: %1. Try a smaller context size or a smaller model.").arg(message);
    case ErrorKind::ContextOverflow:
        return QStringLiteral("The conversation no longer fits in the context: %1. Start a new chat or raise "
                              "the context size in Settings.").arg(message);
    case ErrorKind::Cancelled:
        return QStringLiteral("Cancelled.");
    case ErrorKind::Io:
        return QStringLiteral("Could not read or write a file: %1").arg(message);
    case ErrorKind::InvalidArgument:
        return message;
    }
    return message;
}

}  // namespace chord::app
