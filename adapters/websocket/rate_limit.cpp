#include "rate_limit.hpp"

#include <algorithm>

namespace reframe::websocket {

TokenBucket::TokenBucket(RateSettings settings, Clock::time_point now)
    : settings_(settings), tokens_(settings.burst), last_(now) {}

bool TokenBucket::take(Clock::time_point now) {
    if (settings_.per_minute <= 0) return true;
    const double minutes = std::chrono::duration<double, std::ratio<60>>(now - last_).count();
    last_ = now;
    tokens_ = std::min(settings_.burst, tokens_ + std::max(0.0, minutes) * settings_.per_minute);
    if (tokens_ < 1) return false;
    tokens_ -= 1;
    return true;
}

bool IpRateLimiter::take(const std::string& ip, Clock::time_point now) {
    if (settings_.per_minute <= 0) return true;
    std::lock_guard lock(mutex_);
    if (buckets_.size() > sweep_above) {
        // A bucket untouched for a minute has refilled by at least per_minute: dropping it
        // loses nothing that matters.
        for (auto it = last_seen_.begin(); it != last_seen_.end();) {
            if (now - it->second > std::chrono::minutes(1)) {
                buckets_.erase(it->first);
                it = last_seen_.erase(it);
            } else {
                ++it;
            }
        }
    }
    last_seen_[ip] = now;
    return buckets_.try_emplace(ip, settings_, now).first->second.take(now);
}

}  // namespace reframe::websocket
