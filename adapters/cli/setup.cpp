#include "setup.hpp"

#include <cstdlib>
#include <filesystem>

#include <spdlog/logger.h>

#include "paths.hpp"
#include "reframe/loader.hpp"

namespace reframe::cli {
namespace {

/// What an operator wants to see once: which flows, which database, which limit.
void log_start(spdlog::logger& log, const EngineSetup& setup, const FlowSet& flows, const std::string& db_path,
               const EngineOptions& options) {
    const auto dir = setup.flows_dir.empty() ? default_flows_dir().string() : setup.flows_dir;
    log.info("flows loaded from {}: {} flows, {} intents, {} interrupts, {} patterns", dir, flows.flows.size(),
             flows.intents.size(), flows.interrupts.size(), flows.patterns.size());
    log.info("sessions in {}", db_path);
    if (options.rate_per_minute > 0) {
        log.info("rate limit: {:g} messages a minute per user, bursts of {:g}", options.rate_per_minute,
                 options.rate_burst);
    } else {
        log.info("rate limit: off");
    }
}

}  // namespace

std::shared_ptr<const FlowSet> load_flows_or_report(const std::string& dir, std::ostream& err) {
    const std::filesystem::path path = dir.empty() ? default_flows_dir() : std::filesystem::path{dir};
    auto loaded = load_flow_dir(path);
    if (!loaded) {
        for (const auto& d : loaded.error()) err << d.to_string() << '\n';
        err << "reframe: error: could not load the flows in " << path.string() << '\n';
        return nullptr;
    }
    for (const auto& w : loaded->warnings) err << w.to_string() << '\n';
    return loaded->flows;
}

std::optional<std::string> choose_locale(const FlowSet& flows, std::string locale, std::ostream& err) {
    if (locale.empty()) {
        if (const char* env = std::getenv("REFRAME_LOCALE")) locale = env;
    }
    if (locale.empty() || flows.resources.locales.contains(locale)) return locale;
    std::string known;
    for (const auto& entry : flows.resources.locales) known += (known.empty() ? "" : ", ") + entry.first;
    err << "reframe: error: unknown locale '" << locale << "'"
        << (known.empty() ? std::string{": the flows give no resources"} : "; the locales are: " + known) << '\n';
    return std::nullopt;
}

std::unique_ptr<Engine> make_engine(const EngineSetup& setup, std::ostream& err) {
    auto flows = load_flows_or_report(setup.flows_dir, err);
    if (!flows) return nullptr;
    EngineOptions options;
    if (auto locale = choose_locale(*flows, setup.locale, err)) {
        options.locale = std::move(*locale);
    } else {
        return nullptr;
    }
    StoreOptions store_options;
    store_options.path = setup.db_path.empty() ? default_db_path() : setup.db_path;
    auto store = open_session_store(store_options);
    if (!store) {
        err << "reframe: error: cannot open the database " << store_options.path << ": " << store.error().message
            << '\n';
        return nullptr;
    }
    options.rate_per_minute = setup.rate_per_minute;
    options.logger = setup.logger;
    if (const char* key = std::getenv("REFRAME_LOG_KEY")) options.log_pseudonym_key = key;
    if (setup.logger) log_start(*setup.logger, setup, *flows, store_options.path, options);
    return std::make_unique<Engine>(std::move(flows), std::move(*store), std::move(options));
}

}  // namespace reframe::cli
