#pragma once
// chord [--version] [--help] [--model FILE] [--self-test] [--screenshot-dir DIR] [FILE.gguf]
#include <QString>

class QCoreApplication;

namespace chord::app {

struct CommandLine {
    QString modelPath;      // --model or the positional .gguf; empty: last used / bundled model
    bool selfTest = false;  // load the model offscreen, generate a few tokens, print them, exit
    QString screenshotDir;  // save the documentation screenshots there and exit
};

// Exits the process for --help, --version and usage errors, as QCommandLineParser does.
CommandLine parseCommandLine(const QCoreApplication& app);

}  // namespace chord::app
