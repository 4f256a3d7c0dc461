#pragma once
/// The operator's log of `reframe`: one spdlog logger, plain lines with ISO 8601 UTC
/// timestamps, to a file or to stderr. What goes into it is decided by the engine
/// (engine/src/engine_log.hpp) and by the start-up in setup.cpp: never what a person wrote.

#include <memory>
#include <string>
#include <vector>

#include <spdlog/fwd.h>
#include <tl/expected.hpp>

namespace reframe::cli {

struct LogSettings {
    std::string level;  // trace|debug|info|warn|error|off; empty: info to a file, warn to stderr
    std::string file;   // appended to (created owner-only); empty: stderr
};

/// The names --log-level accepts.
const std::vector<std::string>& log_level_names();

/// The logger for `settings`, or a sentence saying why the log file cannot be opened.
tl::expected<std::shared_ptr<spdlog::logger>, std::string> make_logger(const LogSettings& settings);

}  // namespace reframe::cli
