#include "rate_limiter.hpp"

#include <algorithm>
#include <vector>

namespace reframe {

RateLimiter::RateLimiter(double per_minute, double burst, Clock clock, std::size_t max_users)
    : per_second_(std::max(per_minute, 0.0) / 60.0),
      burst_(std::max(burst, 1.0)),
      sweep_every_(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::duration<double>(per_second_ > 0 ? std::min(burst_ / per_second_, 3600.0) : 0.0))),
      max_users_(std::max<std::size_t>(max_users, 1)),
      clock_(clock ? std::move(clock) : Clock{[] { return std::chrono::steady_clock::now(); }}) {}

double RateLimiter::refill(const Bucket& bucket, TimePoint now) const {
    const double elapsed = std::chrono::duration<double>(now - bucket.last).count();
    return std::min(burst_, bucket.tokens + std::max(elapsed, 0.0) * per_second_);
}

bool RateLimiter::allow(const std::string& user) {
    if (per_second_ <= 0) return true;
    const TimePoint now = clock_();
    std::lock_guard lock(mutex_);
    if (now - last_sweep_ >= sweep_every_ || buckets_.size() >= max_users_) make_room(now);
    Bucket& bucket = buckets_.try_emplace(user, Bucket{burst_, now}).first->second;
    bucket.tokens = refill(bucket, now);
    bucket.last = std::max(bucket.last, now);
    if (bucket.tokens < 1.0) return false;
    bucket.tokens -= 1.0;
    return true;
}

std::size_t RateLimiter::tracked() const {
    std::lock_guard lock(mutex_);
    return buckets_.size();
}

void RateLimiter::make_room(TimePoint now) {
    last_sweep_ = now;
    // A bucket that has filled up again behaves exactly like a new one: forget it.
    std::erase_if(buckets_, [&](const auto& entry) { return refill(entry.second, now) >= burst_; });
    if (buckets_.size() < max_users_) return;
    // Still full of active users: drop the quarter that has been quiet longest.
    std::vector<std::unordered_map<std::string, Bucket>::iterator> by_age;
    by_age.reserve(buckets_.size());
    for (auto it = buckets_.begin(); it != buckets_.end(); ++it) by_age.push_back(it);
    const std::size_t drop = std::max<std::size_t>(by_age.size() / 4, 1);
    const auto cut = by_age.begin() + static_cast<std::ptrdiff_t>(drop);
    std::nth_element(by_age.begin(), cut, by_age.end(),
                     [](const auto& a, const auto& b) { return a->second.last < b->second.last; });
    for (auto it = by_age.begin(); it != cut; ++it) buckets_.erase(*it);
}

}  // namespace reframe
