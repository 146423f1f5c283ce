#include "app_log.h"

#include <QDir>
#include <QStandardPaths>
#include <memory>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace chord::app {

namespace {

void forwardQtMessage(QtMsgType type, const QMessageLogContext&, const QString& message) {
    const std::string text = message.toStdString();
    switch (type) {
    case QtDebugMsg: spdlog::debug("qt: {}", text); break;
    case QtInfoMsg: spdlog::info("qt: {}", text); break;
    case QtWarningMsg: spdlog::warn("qt: {}", text); break;
    case QtCriticalMsg:
    case QtFatalMsg: spdlog::error("qt: {}", text); break;
    }
}

}  // namespace

QString logDirectory() {
    const QString state = qEnvironmentVariable("XDG_STATE_HOME");
    if (!state.isEmpty() && QDir::isAbsolutePath(state)) return state + QStringLiteral("/chord");
    return QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation) + QStringLiteral("/chord");
}

QString installLogging(const QString& level) {
    const QString dir = logDirectory();
    QDir().mkpath(dir);
    const QString file = dir + QStringLiteral("/chord.log");
    std::vector<spdlog::sink_ptr> sinks;
    sinks.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
    try {
        sinks.push_back(std::make_shared<spdlog::sinks::rotating_file_sink_mt>(file.toStdString(), 2 * 1024 * 1024, 3));
    } catch (const spdlog::spdlog_ex& e) {
        std::fprintf(stderr, "chord: cannot write the log file %s: %s\n", file.toLocal8Bit().constData(), e.what());
    }
    auto logger = std::make_shared<spdlog::logger>("chord", sinks.begin(), sinks.end());
    logger->flush_on(spdlog::level::info);
    spdlog::set_default_logger(logger);
    setLogLevel(level);
    qInstallMessageHandler(forwardQtMessage);
    return file;
}

void setLogLevel(const QString& level) {
    spdlog::set_level(spdlog::level::from_str(level.toStdString()));
}

}  // namespace chord::app
