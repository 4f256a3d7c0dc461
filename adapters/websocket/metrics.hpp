#pragma once
/// Counters for /metrics in the Prometheus text format: counts and durations only, never
/// text, user ids or addresses.
///
/// Thread-safety: every member may be called from any thread (relaxed atomics).

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol.hpp"

namespace reframe::websocket {

class Metrics {
public:
    /// Upper bounds (seconds) of the turn latency histogram's buckets, +Inf besides.
    static constexpr std::array<double, 12> latency_buckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                            0.05,   0.1,   0.25,   0.5,   1,    2.5};

    /// One engine turn (a say) took `duration`; `safety` is the reply's safety tag or "".
    void turn_done(std::chrono::steady_clock::duration duration, std::string_view safety);
    void error_sent(ErrorCode code);
    void connection_opened() { open_connections_.fetch_add(1, std::memory_order_relaxed); }
    void connection_closed() { open_connections_.fetch_sub(1, std::memory_order_relaxed); }
    void http_request() { http_requests_.fetch_add(1, std::memory_order_relaxed); }
    void origin_rejected() { origin_rejected_.fetch_add(1, std::memory_order_relaxed); }
    void session_started(bool resumed);

    std::int64_t open_connections() const { return open_connections_.load(std::memory_order_relaxed); }
    std::uint64_t turns() const { return turns_.load(std::memory_order_relaxed); }
    std::uint64_t errors(ErrorCode code) const;

    /// Everything, in the Prometheus text exposition format (version 0.0.4).
    std::string render() const;

private:
    static constexpr std::size_t error_codes = static_cast<std::size_t>(ErrorCode::server_error) + 1;
    std::atomic<std::uint64_t> turns_{0};
    std::array<std::atomic<std::uint64_t>, latency_buckets.size()> buckets_{};  // not cumulative
    std::atomic<std::uint64_t> latency_micros_{0};
    std::atomic<std::int64_t> open_connections_{0};
    std::array<std::atomic<std::uint64_t>, error_codes> errors_{};
    std::atomic<std::uint64_t> crisis_{0};
    std::atomic<std::uint64_t> medical_{0};
    std::atomic<std::uint64_t> http_requests_{0};
    std::atomic<std::uint64_t> origin_rejected_{0};
    std::atomic<std::uint64_t> sessions_new_{0};
    std::atomic<std::uint64_t> sessions_resumed_{0};
};

}  // namespace reframe::websocket
