#include "model_inspector.h"

#include <QFile>
#include <QFileInfo>
#include <algorithm>
#include <map>

#include "chord/gguf.h"

namespace chord::app {

quint64 ModelFacts::kvCacheBytes(int contextSize) const {
    constexpr quint64 kF16Bytes = 2;
    return static_cast<quint64>(layers) * static_cast<quint64>(contextSize) * static_cast<quint64>(kvHeads) *
           static_cast<quint64>(keyLength + valueLength) * kF16Bytes;
}

ModelFacts ModelInspector::inspect(const QString& path) {
    const auto file = chord::GgufFile::open(path.toStdString());
    ModelFacts f;
    f.path = path;
    f.fileBytes = file->file_size();
    f.architecture = QString::fromStdString(file->get_string("general.architecture").value_or("unknown"));
    f.name = QString::fromStdString(file->get_string("general.name").value_or(""));
    if (f.name.isEmpty()) f.name = QFileInfo(path).completeBaseName();
    const std::string arch = f.architecture.toStdString();
    const auto key = [&](const char* suffix) { return arch + "." + suffix; };
    f.trainedContext = static_cast<int>(file->get_uint(key("context_length")).value_or(0));
    f.layers = static_cast<int>(file->get_uint(key("block_count")).value_or(0));
    const int heads = static_cast<int>(file->get_uint(key("attention.head_count")).value_or(0));
    f.kvHeads = static_cast<int>(file->get_uint(key("attention.head_count_kv")).value_or(static_cast<uint64_t>(heads)));
    const int embd = static_cast<int>(file->get_uint(key("embedding_length")).value_or(0));
    const int headDim = heads > 0 ? embd / heads : 0;
    f.keyLength = static_cast<int>(file->get_uint(key("attention.key_length")).value_or(static_cast<uint64_t>(headDim)));
    f.valueLength =
        static_cast<int>(file->get_uint(key("attention.value_length")).value_or(static_cast<uint64_t>(f.keyLength)));
    f.hasChatTemplate = file->find("tokenizer.chat_template") != nullptr;

    // The file type is the weight type holding the most parameters (embeddings and norms included).
    std::map<std::string, quint64> elementsByType;
    for (const chord::GgufTensor& t : file->tensors()) {
        const auto elements = static_cast<quint64>(t.n_elements());
        f.parameters += elements;
        if (t.n_dims >= 2) elementsByType[std::string(chord::tensor_type_name(t.type))] += elements;
    }
    quint64 best = 0;
    for (const auto& [type, elements] : elementsByType) {
        if (elements > best) {
            best = elements;
            f.fileType = QString::fromStdString(type);
        }
    }
    return f;
}

int ModelInspector::recommendedContext(const ModelFacts& facts, quint64 availableBytes) {
    constexpr int kMaxAutoContext = 4096;
    constexpr int kMinContext = 256;
    int ctx = facts.trainedContext > 0 ? std::min(facts.trainedContext, kMaxAutoContext) : 2048;
    if (availableBytes == 0) return ctx;
    const quint64 budget = availableBytes / 4 * 3;
    while (ctx > kMinContext && facts.memoryNeeded(ctx) > budget) ctx /= 2;
    return ctx;
}

quint64 ModelInspector::availableMemoryBytes() {
    QFile meminfo(QStringLiteral("/proc/meminfo"));
    if (!meminfo.open(QIODevice::ReadOnly)) return 0;
    // /proc files report size 0: read until EOF rather than asking atEnd().
    const QList<QByteArray> lines = meminfo.readAll().split('\n');
    for (const QByteArray& line : lines) {
        if (line.startsWith("MemAvailable:")) {
            const QList<QByteArray> parts = line.simplified().split(' ');
            if (parts.size() >= 2) return parts[1].toULongLong() * 1024;  // kB
        }
    }
    return 0;
}

QVariantMap ModelInspector::toVariant(const ModelFacts& f, int contextSize) {
    return {
        {QStringLiteral("path"), f.path},
        {QStringLiteral("fileName"), QFileInfo(f.path).fileName()},
        {QStringLiteral("name"), f.name},
        {QStringLiteral("architecture"), f.architecture},
        {QStringLiteral("fileType"), f.fileType},
        {QStringLiteral("parameters"), static_cast<double>(f.parameters)},
        {QStringLiteral("fileBytes"), static_cast<double>(f.fileBytes)},
        {QStringLiteral("trainedContext"), f.trainedContext},
        {QStringLiteral("contextSize"), contextSize},
        {QStringLiteral("kvCacheBytes"), static_cast<double>(f.kvCacheBytes(contextSize))},
        {QStringLiteral("memoryNeeded"), static_cast<double>(f.memoryNeeded(contextSize))},
        {QStringLiteral("hasChatTemplate"), f.hasChatTemplate},
    };
}

}  // namespace chord::app
