#pragma once
// `chord --bench-generate N`: the app's generation speed, to compare with chord-bench's tg figure
// (scripts/bench/app-vs-bench.sh). The real app runs offscreen (main window, chat controller, worker
// thread, text batches rendered as Markdown on the GUI thread, temporary database and settings); each
// run sends one message and generates exactly N tokens (end-of-generation tokens do not stop it, as in
// chord-bench), greedy. Prints each run's generation tokens/s and their median; returns 0 on success.
#include <QString>

namespace chord::app {

struct GenerationBenchOptions {
    QString modelPath;  // empty: the bundled model
    int tokens = 128;
    int runs = 3;
    int threads = 0;    // 0: the app's default
};

int runGenerationBench(const GenerationBenchOptions& options);

}  // namespace chord::app
