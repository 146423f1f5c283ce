#pragma once
// chord [--version] [--help] [--model FILE] [--self-test] [--screenshot-dir DIR]
//       [--bench-generate N [--runs R] [--threads T]] [FILE.gguf]
#include <QString>

class QCoreApplication;

namespace chord::app {

struct CommandLine {
    QString modelPath;      // --model or the positional .gguf; empty: last used / bundled model
    bool selfTest = false;  // load the model offscreen, generate a few tokens, print them, exit
    QString screenshotDir;  // save the documentation screenshots there and exit
    int benchTokens = 0;    // > 0: measure generation speed offscreen (generation_bench.h) and exit
    int benchRuns = 3;
    int threads = 0;        // --threads for the benchmark; 0: the app's setting
};

// Exits the process for --help, --version and usage errors, as QCommandLineParser does.
CommandLine parseCommandLine(const QCoreApplication& app);

}  // namespace chord::app
