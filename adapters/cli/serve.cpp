#include "serve.hpp"

#include <chrono>
#include <filesystem>

#include <spdlog/logger.h>

#include "flow_reloader.hpp"
#include "paths.hpp"
#include "server.hpp"
#include "setup.hpp"

namespace reframe::cli {
namespace {

using websocket::ServerConfig;

/// How often the flows folder is looked at for changes (unless --no-watch).
constexpr std::chrono::seconds flows_watch_interval{1};

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

/// SIGHUP (on a turn thread): load the flows again and swap them in when they are clean;
/// the reloader logs the outcome and any diagnostics.
void on_sighup(reload::FlowReloader& reloader) { reloader.reload_now(); }

}  // namespace

int run_serve(const ServeArgs& args, std::ostream& err) {
    auto config = server_config(args, err);
    if (!config) return 1;
    auto engine = make_engine(
        {config->flows, config->db, config->locale, args.logger, config->limits.engine_rate_per_minute}, err);
    if (!engine) return 1;
    const std::filesystem::path flows_dir =
        config->flows.empty() ? default_flows_dir() : std::filesystem::path(config->flows);
    reload::FlowReloader reloader(*engine, flows_dir, args.logger);
    if (config->watch_flows) reloader.watch(flows_watch_interval);
    websocket::Server server(*engine, *config, args.logger);
    if (auto started = server.start(); !started) {
        err << "reframe: error: " << started.error() << '\n';
        return 1;
    }
    server.handle_signals([&reloader] { on_sighup(reloader); });
    err << "reframe serve: listening on " << (config->tls.enabled() ? "https" : "http") << "://" << config->host << ':'
        << server.port() << "/ (SIGINT or SIGTERM stops, SIGHUP reloads the flows)" << std::endl;
    server.run();
    return 0;
}

}  // namespace reframe::cli
