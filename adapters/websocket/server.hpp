#pragma once
/// `reframe serve` as an object: the io_context and its network threads, the listener, the
/// shared state and the shutdown. Tests run it in-process on port 0.
///
/// Thread-safety: start() and run() from one thread; stop() and port() from any thread.

#include <functional>
#include <memory>
#include <string>

#include <spdlog/fwd.h>
#include <tl/expected.hpp>

#include "reframe/engine.hpp"
#include "server_config.hpp"

namespace reframe::websocket {

class Metrics;

class Server {
public:
    /// `logger` may be null. The engine must outlive the server.
    Server(Engine& engine, ServerConfig config, std::shared_ptr<spdlog::logger> logger);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// Loads TLS (if configured) and binds the port; an error says what went wrong.
    tl::expected<void, std::string> start();
    /// The bound port (after start()).
    unsigned short port() const;
    /// SIGINT and SIGTERM stop the server gracefully; SIGHUP calls `on_sighup` (on a turn
    /// thread, never a network one). Call before run().
    void handle_signals(std::function<void()> on_sighup);
    /// Serves on config.network_threads threads (this one included) until stop() or a
    /// signal has finished a graceful shutdown.
    void run();
    /// Graceful shutdown: stop accepting, let turns in flight finish and their replies go
    /// out, send `shutting_down` and close frames (1001), then return from run().
    void stop();

    const Metrics& metrics() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace reframe::websocket
