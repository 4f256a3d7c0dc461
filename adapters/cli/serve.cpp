#include "serve.hpp"

#include <sstream>

#include <spdlog/logger.h>

#include "server.hpp"
#include "setup.hpp"

namespace reframe::cli {
namespace {

using websocket::ServerConfig;

/// The config file, then the flags over it; nothing after printing why to `err`.
std::optional<ServerConfig> server_config(const ServeArgs& args, std::ostream& err) {
    ServerConfig config;
    if (!args.config.empty()) {
        auto loaded = websocket::load_server_config(args.config);
        if (!loaded) {
            err << loaded.error() << '\n';
            return std::nullopt;
        }
        config = std::move(*loaded);
    }
    if (!args.listen.empty()) {
        if (auto ok = websocket::parse_listen(args.listen, config); !ok) {
            err << "reframe: error: --listen: " << ok.error() << '\n';
            return std::nullopt;
        }
    }
    if (!args.flows.empty()) config.flows = args.flows;
    if (!args.db.empty()) config.db = args.db;
    if (!args.locale.empty()) config.locale = args.locale;
    if (!args.tls_cert.empty()) config.tls.cert = args.tls_cert;
    if (!args.tls_key.empty()) config.tls.key = args.tls_key;
    if (args.no_watch) config.watch_flows = false;
    config.allowed_origins.insert(config.allowed_origins.end(), args.origins.begin(), args.origins.end());
    if (const auto problem = websocket::check_server_config(config); !problem.empty()) {
        err << "reframe: error: " << problem << '\n';
        return std::nullopt;
    }
    return config;
}

/// SIGHUP: load the flows again and swap them in when they are clean.
void on_sighup(Engine& engine, const std::string& flows_dir, spdlog::logger* log) {
    std::ostringstream diagnostics;
    auto flows = load_flows_or_report(flows_dir, diagnostics);
    if (!flows) {
        if (log) log->error("reload: the flows have errors; still serving the previous version");
        return;
    }
    engine.reload(std::move(flows));
}

}  // namespace

int run_serve(const ServeArgs& args, std::ostream& err) {
    auto config = server_config(args, err);
    if (!config) return 1;
    auto engine = make_engine(
        {config->flows, config->db, config->locale, args.logger, config->limits.engine_rate_per_minute}, err);
    if (!engine) return 1;
    websocket::Server server(*engine, *config, args.logger);
    if (auto started = server.start(); !started) {
        err << "reframe: error: " << started.error() << '\n';
        return 1;
    }
    server.handle_signals([&engine, dir = config->flows, log = args.logger.get()] { on_sighup(*engine, dir, log); });
    err << "reframe serve: listening on " << (config->tls.enabled() ? "https" : "http") << "://" << config->host << ':'
        << server.port() << "/ (SIGINT or SIGTERM stops, SIGHUP reloads the flows)" << std::endl;
    server.run();
    return 0;
}

}  // namespace reframe::cli
