#pragma once
/// Shared start-up of the subcommands: load the flows, open the store, build the engine.
/// Problems are printed to stderr in the `file:line:col: error: …` form.

#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include <spdlog/fwd.h>

#include "reframe/engine.hpp"

namespace reframe::cli {

struct EngineSetup {
    std::string flows_dir;                   // empty: the default
    std::string db_path;                     // empty: the default; ":memory:" keeps nothing
    std::string locale;                      // of the safety resources; empty: $REFRAME_LOCALE, else the default
    std::shared_ptr<spdlog::logger> logger;  // the engine's log and the start-up lines; null: none
    double rate_per_minute = 0;              // per user; 0: no limit
};

/// The loaded flows, or nothing after printing every diagnostic to `err`.
std::shared_ptr<const FlowSet> load_flows_or_report(const std::string& dir, std::ostream& err);

/// `locale` (or $REFRAME_LOCALE when it is empty) if the flows' resources know it; empty
/// for the default; nothing after printing the known locales to `err`.
std::optional<std::string> choose_locale(const FlowSet& flows, std::string locale, std::ostream& err);

/// A ready engine, or nothing after printing why to `err`. $REFRAME_LOG_KEY, when set,
/// keys the pseudonyms that stand for user ids in the log.
std::unique_ptr<Engine> make_engine(const EngineSetup& setup, std::ostream& err);

}  // namespace reframe::cli
