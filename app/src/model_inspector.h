#pragma once
// Reads a GGUF's metadata without loading the model, so the UI can show what a file is and how much
// memory it will need (weights + KV cache at a context size) before the user commits to loading it.
#include <QString>
#include <QVariantMap>
#include <cstdint>

namespace chord::app {

struct ModelFacts {
    QString path;
    QString name;
    QString architecture;
    QString fileType;        // most common weight type: "Q4_0", "F32", …
    quint64 parameters = 0;
    quint64 fileBytes = 0;
    int trainedContext = 0;
    int layers = 0;
    int kvHeads = 0;
    int keyLength = 0;       // per head
    int valueLength = 0;
    bool hasChatTemplate = false;

    quint64 kvCacheBytes(int contextSize) const;  // f16 K and V for every layer
    quint64 memoryNeeded(int contextSize) const { return fileBytes + kvCacheBytes(contextSize); }
};

class ModelInspector {
public:
    // Throws chord::Error (BadFile, NotFound, Unsupported) with the reason.
    static ModelFacts inspect(const QString& path);

    // The context to use when the user chose "auto": the model's trained context, at most 4096, halved
    // until weights + KV cache fit in three quarters of the memory the machine has available.
    static int recommendedContext(const ModelFacts& facts, quint64 availableBytes);
    static quint64 availableMemoryBytes();  // MemAvailable from /proc/meminfo (0 when unknown)

    static QVariantMap toVariant(const ModelFacts& facts, int contextSize);
};

}  // namespace chord::app
