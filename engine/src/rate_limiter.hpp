#pragma once
/// A per-user token bucket: each user may send `burst` messages at once and then
/// `per_minute` messages a minute. Memory is bounded: a user whose bucket has filled up
/// again is forgotten (a fresh bucket is the same thing), and the table never holds more
/// than `max_users` entries — when it is full of active users the longest-quiet quarter is
/// dropped, which only ever makes the limit more lenient for them.
///
/// Thread-safety: allow() may be called from any number of threads at once (one mutex
/// around a hash-map lookup; the clock is read outside it).

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

namespace reframe {

class RateLimiter {
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;

    static constexpr std::size_t default_max_users = 100'000;

    /// `per_minute` 0 turns the limit off. An empty `clock` reads std::chrono::steady_clock.
    RateLimiter(double per_minute, double burst, Clock clock = {}, std::size_t max_users = default_max_users);

    /// Takes one token from `user`'s bucket; false when there is none (the caller refuses
    /// the message). Always true when the limit is off.
    bool allow(const std::string& user);

    /// How many users the table tracks now (for tests and metrics).
    std::size_t tracked() const;

private:
    using TimePoint = std::chrono::steady_clock::time_point;
    struct Bucket {
        double tokens;
        TimePoint last;  // when `tokens` was last brought up to date
    };

    double refill(const Bucket& bucket, TimePoint now) const;
    void make_room(TimePoint now);

    const double per_second_;
    const double burst_;
    // How often idle buckets are swept: once an empty bucket could have filled up (at most hourly).
    const std::chrono::steady_clock::duration sweep_every_;
    const std::size_t max_users_;
    Clock clock_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Bucket> buckets_;
    TimePoint last_sweep_{};
};

}  // namespace reframe
