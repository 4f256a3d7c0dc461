#include "logging.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <spdlog/logger.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <unistd.h>

namespace reframe::cli {
namespace {

spdlog::level::level_enum parse_level(const std::string& name, bool to_file) {
    if (name.empty()) return to_file ? spdlog::level::info : spdlog::level::warn;
    if (name == "error") return spdlog::level::err;
    return spdlog::level::from_str(name);  // the other names are spdlog's own
}

/// Creates `path` owner-only (0600) if it does not exist: even without message text, a
/// log says when someone talked to the bot. An existing file keeps its permissions.
tl::expected<void, std::string> create_private(const std::string& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return tl::make_unexpected(std::string{std::strerror(errno)});
    ::close(fd);
    return {};
}

}  // namespace

const std::vector<std::string>& log_level_names() {
    static const std::vector<std::string> names{"trace", "debug", "info", "warn", "error", "off"};
    return names;
}

tl::expected<std::shared_ptr<spdlog::logger>, std::string> make_logger(const LogSettings& settings) {
    spdlog::sink_ptr sink;
    if (settings.file.empty()) {
        sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    } else {
        if (auto created = create_private(settings.file); !created) {
            return tl::make_unexpected("cannot open the log file " + settings.file + ": " + created.error());
        }
        try {
            sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(settings.file, false);
        } catch (const spdlog::spdlog_ex& e) {
            return tl::make_unexpected("cannot open the log file " + settings.file + ": " + e.what());
        }
    }
    auto logger = std::make_shared<spdlog::logger>("reframe", std::move(sink));
    logger->set_formatter(
        std::make_unique<spdlog::pattern_formatter>("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc));
    logger->set_level(parse_level(settings.level, !settings.file.empty()));
    logger->flush_on(spdlog::level::trace);  // every line reaches the file at once (tail -f, crashes)
    return logger;
}

}  // namespace reframe::cli
