// `reframe matrix --config FILE [--check] [--no-watch]`: the Matrix bot.
#include <chrono>
#include <filesystem>
#include <iostream>

#include <spdlog/logger.h>

#include "bot.hpp"
#include "bot_store.hpp"
#include "commands.hpp"
#include "config.hpp"
#include "flow_reloader.hpp"
#include "paths.hpp"
#include "setup.hpp"
#include "signals.hpp"

namespace reframe::cli {
namespace {

/// SIGHUP: load the flows again; the reloader swaps them in only when they load cleanly
/// and logs what it did (the diagnostics of a rejected set included).
void on_sighup(reload::FlowReloader& reloader) { (void)reloader.reload_now(); }

}  // namespace

int run_matrix(const MatrixOptions& options, const std::shared_ptr<spdlog::logger>& logger, std::ostream& out,
               std::ostream& err) {
    auto config = matrix::load_config(options.config_path);
    if (!config) {
        err << config.error() << '\n';
        return 1;
    }
    auto secret = matrix::read_secret(*config);
    if (!secret) {
        err << "reframe matrix: error: " << secret.error() << '\n';
        return 1;
    }
    // The bot's tables are added first, so that the file is created owner-only by either.
    auto store = matrix::BotStore::open(config->db);
    if (!store) {
        err << "reframe matrix: error: " << store.error() << '\n';
        return 1;
    }
    auto engine = make_engine({config->flows, config->db, config->locale, logger, config->rate_limit}, err);
    if (!engine) return 1;
    matrix::Bot bot(*config, std::move(*secret), *engine, **store, logger);
    if (options.check) {
        auto checked = bot.check();
        if (!checked) {
            err << "reframe matrix: error: " << checked.error() << '\n';
            return 1;
        }
        out << "reframe matrix: the config is valid and the bot can log in as " << config->user_id << '\n';
        return 0;
    }
    const auto flows_dir = config->flows.empty() ? default_flows_dir() : std::filesystem::path(config->flows);
    reload::FlowReloader reloader(*engine, flows_dir, logger);
    if (!options.no_watch) reloader.watch(std::chrono::seconds(1));
    const int code = matrix::run_with_signals(bot, [&] { on_sighup(reloader); });
    reloader.stop();
    if (code != 0) err << "reframe matrix: error: " << bot.fatal_error() << '\n';
    return code;
}

}  // namespace reframe::cli
