#include "generation_bench.h"

#include <QQmlApplicationEngine>
#include <QTemporaryDir>
#include <algorithm>
#include <cstdio>
#include <vector>

#include "app_core.h"
#include "app_settings.h"
#include "chat_controller.h"
#include "default_model.h"
#include "model_controller.h"
#include "self_test.h"
#include "system_monitor.h"

namespace chord::app {

int runGenerationBench(const GenerationBenchOptions& options) {
    const QString model = options.modelPath.isEmpty() ? defaultModelPath() : options.modelPath;
    if (model.isEmpty() || options.tokens < 2 || options.runs < 1) {
        std::fprintf(stderr, "chord --bench-generate: needs a model (--model FILE), N >= 2 and --runs >= 1\n");
        return 2;
    }
    QTemporaryDir scratch;
    AppCore core({scratch.filePath(QStringLiteral("chats.sqlite")), scratch.filePath(QStringLiteral("settings.ini")), {}});
    AppSettings& settings = *core.settings();
    settings.setTemperature(0.0);
    settings.setRepeatPenalty(1.0);
    settings.setMaxTokens(options.tokens);
    if (options.threads > 0) settings.setThreads(options.threads);
    core.chat()->setStopAtEndOfGeneration(false);

    QQmlApplicationEngine engine;
    if (!showMainWindow(engine, core)) {
        std::fprintf(stderr, "chord --bench-generate: the user interface failed to load\n");
        return 3;
    }
    ModelController& models = *core.models();
    if (!models.load(model) || !waitUntil([&] { return !models.loading(); }, 300000) || !models.loaded()) {
        std::fprintf(stderr, "chord --bench-generate: could not load %s: %s\n", qPrintable(model),
                     qPrintable(models.errorMessage()));
        return 4;
    }
    std::printf("chord %s --bench-generate %d: %s, %d threads, SIMD %s, attention %s\n", qPrintable(core.version()),
                options.tokens, qPrintable(model), models.summary().threads, qPrintable(core.monitor()->simdBackend()),
                qPrintable(core.monitor()->attentionBackend()));
    std::vector<double> rates;
    for (int run = 0; run < options.runs; ++run) {
        core.chat()->newConversation();
        bool finished = false;
        GenerationReport report;
        const auto connection = QObject::connect(core.chat(), &ChatController::replyFinished, [&](const GenerationReport& r) {
            report = r;
            finished = true;
        });
        const bool sent = core.chat()->send(QStringLiteral("Once upon a time"));
        const bool done = sent && waitUntil([&] { return finished; }, 600000);
        QObject::disconnect(connection);
        if (!done || report.generatedTokens != options.tokens) {
            std::fprintf(stderr, "chord --bench-generate: run %d generated %d of %d tokens: %s\n", run + 1,
                         report.generatedTokens, options.tokens, qPrintable(core.chat()->errorMessage()));
            return 5;
        }
        rates.push_back(report.generationTokensPerSecond);
        std::printf("run %d: generation %.2f tok/s (%d tokens), prompt %d tokens\n", run + 1,
                    report.generationTokensPerSecond, report.generatedTokens, report.promptTokens);
        std::fflush(stdout);
    }
    std::sort(rates.begin(), rates.end());
    std::printf("median generation: %.2f tok/s\n", rates[rates.size() / 2]);
    return 0;
}

}  // namespace chord::app
