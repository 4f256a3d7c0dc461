#pragma once
// A clock for tests that moves only when told to.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

namespace reframe::testing {

/// A clock that moves only when told to; copies share the time.
class ManualClock {
public:
    std::function<std::chrono::steady_clock::time_point()> source() const {
        return [now = now_] { return std::chrono::steady_clock::time_point{std::chrono::nanoseconds{now->load()}}; };
    }
    void advance(std::chrono::nanoseconds by) { now_->fetch_add(by.count()); }

private:
    std::shared_ptr<std::atomic<std::int64_t>> now_ = std::make_shared<std::atomic<std::int64_t>>(1'000'000'000);
};

}  // namespace reframe::testing
