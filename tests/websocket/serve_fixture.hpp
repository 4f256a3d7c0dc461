#pragma once
// `reframe serve` in-process for the integration tests: the bundled dialogues, a store
// (memory or a file), the server on 127.0.0.1 port 0 with its threads, stopped gracefully
// when the fixture ends.

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <thread>

#include "bundled.hpp"
#include "engine_fixture.hpp"
#include "server.hpp"

namespace reframe::testing {

inline std::unique_ptr<Engine> bundled_engine(const std::string& db = ":memory:",
                                              std::unique_ptr<SessionStore> store = nullptr) {
    if (!store) {
        auto opened = open_session_store(StoreOptions{db});
        REQUIRE(opened);
        store = std::move(*opened);
    }
    return std::make_unique<Engine>(bundled(), std::move(store), unlimited());
}

inline websocket::ServerConfig test_config() {
    websocket::ServerConfig config;
    config.host = "127.0.0.1";
    config.port = 0;
    return config;
}

class RunningServer {
public:
    RunningServer(Engine& engine, websocket::ServerConfig config = test_config(),
                  std::shared_ptr<spdlog::logger> logger = nullptr)
        : server_(engine, std::move(config), std::move(logger)) {
        auto started = server_.start();
        if (!started) FAIL(started.error());
        thread_ = std::thread([this] { server_.run(); });
    }
    ~RunningServer() { stop(); }
    RunningServer(const RunningServer&) = delete;
    RunningServer& operator=(const RunningServer&) = delete;

    unsigned short port() const { return server_.port(); }
    websocket::Server& server() { return server_; }
    /// Graceful stop; returns once run() has returned.
    void stop() {
        if (!thread_.joinable()) return;
        server_.stop();
        thread_.join();
    }

private:
    websocket::Server server_;
    std::thread thread_;
};

}  // namespace reframe::testing
