#pragma once
// Plain values that cross the thread boundary between the GUI and EngineWorker (queued signals/slots).
#include <QList>
#include <QMetaType>
#include <QString>

#include "chord/sampler.h"

namespace chord::app {

// How a model should be loaded and run.
struct EngineConfig {
    QString modelPath;
    int contextSize = 0;       // 0: follow the model and the machine's free memory
    int threads = 0;           // 0: all hardware threads
    bool flashAttention = true;
    QString simdLevel = QStringLiteral("auto");  // "auto" or a level to force: "avx2", "scalar", …
};

// One message of a conversation as the prompt builder sees it.
struct ChatTurn {
    enum class Role { User, Assistant };
    Role role = Role::User;
    QString text;
};

struct GenerationRequest {
    quint64 id = 0;
    QString systemPrompt;
    QList<ChatTurn> turns;  // oldest first; the last one is what the reply answers or continues
    int maxTokens = 256;
    chord::SamplerParams sampling;
    bool stopAtEndOfGeneration = true;  // false: exactly maxTokens (benchmarks)
};

struct GenerationReport {
    quint64 id = 0;
    QString text;             // the whole reply
    int promptTokens = 0;     // tokens processed for the prompt (after KV reuse)
    int reusedTokens = 0;     // tokens of the prompt kept in the KV cache from earlier requests
    int generatedTokens = 0;
    double promptTokensPerSecond = 0.0;
    double generationTokensPerSecond = 0.0;
    double timeToFirstToken = 0.0;  // seconds
    QString stopReason;       // engine's stop reason name
    bool cancelled = false;
};

// Bytes the engine holds, as the status bar shows them.
struct MemorySnapshot {
    quint64 modelMapped = 0;
    quint64 weights = 0;
    quint64 kvCache = 0;
    quint64 scratch = 0;
    quint64 attentionScratch = 0;
    bool flashAttention = true;
    QString simdBackend;  // the kernels in use: "AVX-512 VNNI", "AVX2+FMA", …
};

struct ModelSummary {
    QString path;
    QString name;
    QString architecture;
    QString fileType;
    quint64 parameters = 0;
    quint64 fileBytes = 0;
    int trainedContext = 0;
    int contextSize = 0;  // the session's context
    int threads = 0;
    bool hasChatTemplate = false;  // false: plain completion mode
    QString chatFormat;   // the engine's chat format name ("jinja", "chatml", …); empty in plain mode
    QString promptMode;   // shown to the user: "Plain completion mode: …", "Chat mode: …"
};

QString describeEngineError(const std::exception& error);

}  // namespace chord::app

Q_DECLARE_METATYPE(chord::app::EngineConfig)
Q_DECLARE_METATYPE(chord::app::GenerationRequest)
Q_DECLARE_METATYPE(chord::app::GenerationReport)
Q_DECLARE_METATYPE(chord::app::MemorySnapshot)
Q_DECLARE_METATYPE(chord::app::ModelSummary)
