// `reframe matrix --config FILE [--check] [--no-watch]`: the Matrix bot.
#include <iostream>
#include <sstream>

#include <spdlog/logger.h>

#include "bot.hpp"
#include "bot_store.hpp"
#include "commands.hpp"
#include "config.hpp"
#include "setup.hpp"
#include "signals.hpp"

namespace reframe::cli {
namespace {

/// SIGHUP: load the flows again and swap them in when they load cleanly.
void on_sighup(Engine& engine, const std::string& flows_dir, const std::shared_ptr<spdlog::logger>& logger) {
    std::ostringstream diagnostics;
    auto flows = load_flows_or_report(flows_dir, diagnostics);
    if (!flows) {
        if (logger) logger->error("reload: the flows have errors; the running flows stay in use");
        return;
    }
    engine.reload(std::move(flows));
    if (logger) logger->info("reload: flows reloaded");
}

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
    const auto flows_dir = config->flows;
    const int code = matrix::run_with_signals(bot, [&] { on_sighup(*engine, flows_dir, logger); });
    if (code != 0) err << "reframe matrix: error: " << bot.fatal_error() << '\n';
    return code;
}

}  // namespace reframe::cli
