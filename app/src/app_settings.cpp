#include "app_settings.h"

#include <QRandomGenerator>
#include <QThread>
#include <algorithm>

namespace chord::app {

namespace {

QString oneOf(const QString& value, std::initializer_list<const char*> allowed, const char* fallback) {
    for (const char* a : allowed)
        if (value == QLatin1String(a)) return value;
    return QString::fromLatin1(fallback);
}

}  // namespace

AppSettings::AppSettings(QObject* parent)
    : QObject(parent), settings_(std::make_unique<QSettings>(QStringLiteral("chord"), QStringLiteral("chord"))) {}

AppSettings::AppSettings(const QString& iniPath, QObject* parent)
    : QObject(parent), settings_(std::make_unique<QSettings>(iniPath, QSettings::IniFormat)) {}

QVariant AppSettings::read(const char* key, const QVariant& fallback) const {
    return settings_->value(QLatin1String(key), fallback);
}

void AppSettings::write(const char* key, const QVariant& value) {
    if (settings_->value(QLatin1String(key)) == value) return;
    settings_->setValue(QLatin1String(key), value);
    settings_->sync();
    emit changed();
}

QString AppSettings::attentionBackend() const {
    return oneOf(read("engine/attention", "flash").toString(), {"flash", "standard"}, "flash");
}
void AppSettings::setAttentionBackend(const QString& value) {
    const QString v = oneOf(value, {"flash", "standard"}, "flash");
    if (v == attentionBackend()) return;
    write("engine/attention", v);
    emit attentionBackendChanged(v == QLatin1String("flash"));
}

QString AppSettings::simdLevel() const {
    return oneOf(read("engine/simd", "auto").toString(), {"auto", "avx512", "avx2", "neon", "scalar"}, "auto");
}
void AppSettings::setSimdLevel(const QString& value) {
    write("engine/simd", oneOf(value, {"auto", "avx512", "avx2", "neon", "scalar"}, "auto"));
}

int AppSettings::threads() const { return std::clamp(read("engine/threads", 0).toInt(), 0, 256); }
void AppSettings::setThreads(int value) { write("engine/threads", std::clamp(value, 0, 256)); }

int AppSettings::contextSize() const { return std::clamp(read("engine/context", 0).toInt(), 0, 1 << 20); }
void AppSettings::setContextSize(int value) { write("engine/context", std::clamp(value, 0, 1 << 20)); }

double AppSettings::temperature() const { return std::clamp(read("sampling/temperature", 0.8).toDouble(), 0.0, 5.0); }
void AppSettings::setTemperature(double value) { write("sampling/temperature", std::clamp(value, 0.0, 5.0)); }

int AppSettings::topK() const { return std::max(0, read("sampling/topK", 40).toInt()); }
void AppSettings::setTopK(int value) { write("sampling/topK", std::max(0, value)); }

double AppSettings::topP() const { return std::clamp(read("sampling/topP", 0.95).toDouble(), 0.0, 1.0); }
void AppSettings::setTopP(double value) { write("sampling/topP", std::clamp(value, 0.0, 1.0)); }

double AppSettings::minP() const { return std::clamp(read("sampling/minP", 0.05).toDouble(), 0.0, 1.0); }
void AppSettings::setMinP(double value) { write("sampling/minP", std::clamp(value, 0.0, 1.0)); }

double AppSettings::repeatPenalty() const {
    return std::clamp(read("sampling/repeatPenalty", 1.1).toDouble(), 0.5, 3.0);
}
void AppSettings::setRepeatPenalty(double value) { write("sampling/repeatPenalty", std::clamp(value, 0.5, 3.0)); }

int AppSettings::seed() const { return std::max(-1, read("sampling/seed", -1).toInt()); }
void AppSettings::setSeed(int value) { write("sampling/seed", std::max(-1, value)); }

int AppSettings::maxTokens() const { return std::clamp(read("sampling/maxTokens", 256).toInt(), 1, 32768); }
void AppSettings::setMaxTokens(int value) { write("sampling/maxTokens", std::clamp(value, 1, 32768)); }

QString AppSettings::theme() const {
    return oneOf(read("ui/theme", "system").toString(), {"system", "light", "dark"}, "system");
}
void AppSettings::setTheme(const QString& value) { write("ui/theme", oneOf(value, {"system", "light", "dark"}, "system")); }

int AppSettings::fontSize() const { return std::clamp(read("ui/fontSize", 11).toInt(), 8, 32); }
void AppSettings::setFontSize(int value) { write("ui/fontSize", std::clamp(value, 8, 32)); }

QString AppSettings::logLevel() const {
    return oneOf(read("diagnostics/logLevel", "info").toString(), {"trace", "debug", "info", "warn", "error"}, "info");
}
void AppSettings::setLogLevel(const QString& value) {
    const QString v = oneOf(value, {"trace", "debug", "info", "warn", "error"}, "info");
    if (v == logLevel()) return;
    write("diagnostics/logLevel", v);
    emit logLevelChanged(v);
}

QStringList AppSettings::recentModels() const { return read("models/recent", QStringList{}).toStringList(); }

void AppSettings::addRecentModel(const QString& path) {
    QStringList list = recentModels();
    list.removeAll(path);
    list.prepend(path);
    while (list.size() > kMaxRecentModels) list.removeLast();
    write("models/recent", list);
}

void AppSettings::removeRecentModel(const QString& path) {
    QStringList list = recentModels();
    list.removeAll(path);
    write("models/recent", list);
}

QString AppSettings::lastModelPath() const { return read("models/last", QString{}).toString(); }
void AppSettings::setLastModelPath(const QString& value) { write("models/last", value); }

void AppSettings::resetToDefaults() {
    const QStringList recent = recentModels();
    const QString last = lastModelPath();
    const bool wasFlash = attentionBackend() == QLatin1String("flash");
    settings_->clear();
    settings_->setValue(QStringLiteral("models/recent"), recent);
    settings_->setValue(QStringLiteral("models/last"), last);
    settings_->sync();
    emit changed();
    if (!wasFlash) emit attentionBackendChanged(true);
    emit logLevelChanged(logLevel());
}

chord::SamplerParams AppSettings::samplerParams() const {
    chord::SamplerParams p;
    p.temperature = static_cast<float>(temperature());
    p.top_k = topK();
    p.top_p = static_cast<float>(topP());
    p.min_p = static_cast<float>(minP());
    p.repeat_penalty = static_cast<float>(repeatPenalty());
    p.seed = seed() >= 0 ? static_cast<uint64_t>(seed()) : QRandomGenerator::global()->generate64();
    return p;
}

}  // namespace chord::app
