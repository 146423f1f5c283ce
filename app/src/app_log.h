#pragma once
// Logging: spdlog's default logger writes to a rotating file in the state directory (Qt 6.4 has no
// StateLocation: $XDG_STATE_HOME/chord, else the cache dir) and to stderr; Qt's own messages go there
// too. The engine logs through the same default logger.
#include <QString>

namespace chord::app {

QString logDirectory();
// Installs the logger; returns the log file's path.
QString installLogging(const QString& level);
void setLogLevel(const QString& level);

}  // namespace chord::app
