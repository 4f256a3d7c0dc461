#pragma once
/// What `reframe serve` is told: the YAML config file (docs/serve.example.yaml) and the
/// flags that override it. Every limit has a named default here.

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include <tl/expected.hpp>

namespace reframe::websocket {

/// A token bucket's settings: `per_minute` once `burst` is used up; 0 per minute: no limit.
struct RateSettings {
    double per_minute = 0;
    double burst = 0;
};

struct Limits {
    /// The largest WebSocket message a client may send (a say of 16 KiB of text fits).
    std::size_t max_message_bytes = 20 * 1024;
    /// Largest HTTP request body (the server accepts no bodies that matter).
    std::size_t max_http_body_bytes = 8 * 1024;
    /// Open WebSocket connections at most; the next one gets `server_busy` and a close.
    std::size_t max_connections = 10'000;
    /// A connection whose client sends nothing for this long is closed (1001). (The config
    /// file gives it in seconds; tests use less.)
    std::chrono::milliseconds idle_timeout{std::chrono::minutes(15)};
    /// A ping after this long without hearing from the client (a frame, a pong); nothing
    /// within as long again: the connection is dropped. (Seconds in the config file.)
    std::chrono::milliseconds ping_interval{std::chrono::seconds(30)};
    /// Frames one connection may send; over it: a `rate_limited` error frame.
    RateSettings per_connection{120, 30};
    /// Frames all connections from one IP address may send together.
    RateSettings per_ip{1200, 300};
    /// The engine's own limit per person (messages a minute, bursts of 10); 0: off.
    double engine_rate_per_minute = 30;
    /// Frames answered ahead of a slow reader before the server stops reading from it.
    std::size_t queue_limit = 64;
    /// How long a graceful shutdown waits for turns in flight and close handshakes.
    std::chrono::seconds shutdown_grace{10};
};

struct TlsSettings {
    std::filesystem::path cert;  // PEM certificate chain; empty (with key empty): plain HTTP
    std::filesystem::path key;   // PEM private key
    bool enabled() const { return !cert.empty() || !key.empty(); }
};

struct ServerConfig {
    std::string host = "127.0.0.1";
    unsigned short port = 8080;
    std::string flows;   // empty: the bundled dialogues
    std::string db;      // empty: the default database file
    std::string locale;  // of the safety resources; empty: $REFRAME_LOCALE, else the default
    /// Origins (scheme://host[:port]) whose pages may open /ws, besides the server's own.
    std::vector<std::string> allowed_origins;
    unsigned network_threads = 2;
    unsigned turn_threads = 2;
    bool watch_flows = true;
    TlsSettings tls;
    Limits limits;
};

/// Reads `path` over the defaults; errors name the file, the line and what to do:
/// "serve.yaml:3:9: error: limits.max_connections must be a whole number ≥ 1".
tl::expected<ServerConfig, std::string> load_server_config(const std::filesystem::path& path, ServerConfig config = {});

/// Sets host and port from "HOST:PORT", "[v6]:PORT" or ":PORT"; an error says why not.
tl::expected<void, std::string> parse_listen(const std::string& listen, ServerConfig& config);

/// Problems no single key shows (a cert without a key, no threads); empty when fine.
std::string check_server_config(const ServerConfig& config);

}  // namespace reframe::websocket
