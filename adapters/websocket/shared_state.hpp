#pragma once
/// What every connection of one server shares: the engine, the config, the metrics, the
/// turn thread pool, the per-IP limiter and the list of open WebSocket sessions (so that a
/// shutdown can close them).
///
/// Thread-safety: every member function may be called from any thread.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

#include <spdlog/fwd.h>
#include <boost/asio/thread_pool.hpp>

#include "metrics.hpp"
#include "protocol.hpp"
#include "rate_limit.hpp"
#include "server_config.hpp"
#include "turn_queue.hpp"

namespace reframe::websocket {

/// A WebSocket session as the shared state sees it.
class OpenSession {
public:
    virtual ~OpenSession() = default;
    /// Finish the turns in flight, send `shutting_down` and a close frame (1001).
    virtual void shut_down() = 0;
};

class SharedState {
public:
    /// `logger` may be null (nothing is logged).
    SharedState(Engine& engine, ServerConfig config, std::shared_ptr<spdlog::logger> logger);
    ~SharedState();
    SharedState(const SharedState&) = delete;
    SharedState& operator=(const SharedState&) = delete;

    Engine& engine() { return engine_; }
    const ServerConfig& config() const { return config_; }
    Metrics& metrics() { return metrics_; }
    const Metrics& metrics() const { return metrics_; }
    spdlog::logger* logger() const { return logger_.get(); }
    /// Where engine work runs, so that SQLite never blocks a network thread.
    boost::asio::thread_pool& turn_pool() { return turn_pool_; }
    /// Every connection's engine work, in order, in batches on the turn pool.
    TurnQueue& turns() { return turns_; }
    IpRateLimiter& ip_limiter() { return ip_limiter_; }
    /// The locale's crisis line and help page, read from the flows now (they may reload).
    HelpLink help_link() const;

    /// Registers an open session; false (not registered) when max_connections are open
    /// or the server is shutting down.
    bool join(std::uint64_t id, std::weak_ptr<OpenSession> session);
    void leave(std::uint64_t id);
    std::uint64_t next_id() { return next_id_.fetch_add(1, std::memory_order_relaxed); }
    std::size_t open_sessions() const;

    bool shutting_down() const { return shutting_down_.load(std::memory_order_acquire); }
    /// Marks the server as stopping and asks every open session to shut down.
    void shut_down_sessions();
    /// Waits for the engine turns already queued (call after the network has stopped).
    void join_turns();

private:
    Engine& engine_;
    ServerConfig config_;
    std::shared_ptr<spdlog::logger> logger_;
    Metrics metrics_;
    boost::asio::thread_pool turn_pool_;
    TurnQueue turns_{engine_, turn_pool_};
    IpRateLimiter ip_limiter_;
    std::atomic<std::uint64_t> next_id_{1};
    std::atomic<bool> shutting_down_{false};
    mutable std::mutex mutex_;
    std::unordered_map<std::uint64_t, std::weak_ptr<OpenSession>> sessions_;
};

}  // namespace reframe::websocket
