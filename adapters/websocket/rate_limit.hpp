#pragma once
/// Token buckets for the per-connection and per-IP frame limits.

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

#include "server_config.hpp"

namespace reframe::websocket {

using Clock = std::chrono::steady_clock;

/// One bucket. Not thread-safe: a connection's bucket is used on its strand only.
class TokenBucket {
public:
    explicit TokenBucket(RateSettings settings, Clock::time_point now = Clock::now());
    /// Takes one token; false when the bucket is empty (or true always when per_minute is 0).
    bool take(Clock::time_point now = Clock::now());

private:
    RateSettings settings_;
    double tokens_;
    Clock::time_point last_;
};

/// One bucket per IP address, swept of full buckets now and then.
///
/// Thread-safety: take() may be called from any thread (one mutex).
class IpRateLimiter {
public:
    explicit IpRateLimiter(RateSettings settings) : settings_(settings) {}
    bool take(const std::string& ip, Clock::time_point now = Clock::now());

private:
    static constexpr std::size_t sweep_above = 10'000;  // addresses kept before idle ones are dropped
    RateSettings settings_;
    std::mutex mutex_;
    std::unordered_map<std::string, TokenBucket> buckets_;
    std::unordered_map<std::string, Clock::time_point> last_seen_;
};

}  // namespace reframe::websocket
