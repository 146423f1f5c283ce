#pragma once
// Where the bundled default model (stories260K.gguf) is: next to an installed binary in
// ../share/chord/models, else in the source tree's resources/models (running from a build directory).
#include <QString>

namespace chord::app {

inline constexpr const char* kDefaultModelFile = "stories260K.gguf";

QString defaultModelPath();  // empty when no copy exists

}  // namespace chord::app
