#pragma once
/// `reframe serve`: the config file and flags turned into a running WebSocket server.

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <spdlog/fwd.h>

namespace reframe::cli {

/// What the command line says; flags override the config file.
struct ServeArgs {
    std::string config;  // YAML file (docs/serve.example.yaml); empty: defaults only
    std::string listen;  // HOST:PORT; empty: the config's (default 127.0.0.1:8080)
    std::string flows;
    std::string db;
    std::string locale;
    std::vector<std::string> origins;  // added to the config's allowed_origins
    std::string tls_cert;
    std::string tls_key;
    bool no_watch = false;
    std::shared_ptr<spdlog::logger> logger;
};

/// Serves until SIGINT/SIGTERM (exit 0 after a graceful shutdown); a bad config, flag or
/// port is reported on `err` with exit 1.
int run_serve(const ServeArgs& args, std::ostream& err);

}  // namespace reframe::cli
