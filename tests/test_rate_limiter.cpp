// The per-user token bucket: bursts, refills, bounded memory.
#include <catch2/catch.hpp>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "manual_clock.hpp"
#include "rate_limiter.hpp"

using namespace reframe;
using namespace reframe::testing;
using namespace std::chrono_literals;

TEST_CASE("a bucket allows a burst, then one message per refill", "[safety][limits]") {
    ManualClock clock;
    RateLimiter limiter(30, 10, clock.source());  // one token every 2 s
    for (int i = 0; i < 10; ++i) CHECK(limiter.allow("u"));
    CHECK_FALSE(limiter.allow("u"));
    clock.advance(1s);
    CHECK_FALSE(limiter.allow("u"));
    clock.advance(1s);
    CHECK(limiter.allow("u"));
    CHECK_FALSE(limiter.allow("u"));
    clock.advance(1h);  // never more than the burst
    for (int i = 0; i < 10; ++i) CHECK(limiter.allow("u"));
    CHECK_FALSE(limiter.allow("u"));
}

TEST_CASE("a rate of 0 never limits", "[safety][limits]") {
    RateLimiter limiter(0, 10);
    for (int i = 0; i < 1000; ++i) REQUIRE(limiter.allow("u"));
    CHECK(limiter.tracked() == 0);
}

TEST_CASE("the limiter's table stays bounded", "[safety][limits]") {
    ManualClock clock;
    RateLimiter limiter(60, 2, clock.source(), 100);
    for (int i = 0; i < 1000; ++i) REQUIRE(limiter.allow("user-" + std::to_string(i)));
    CHECK(limiter.tracked() <= 100);
    // A user who was limited and is still within the table keeps the limit...
    CHECK(limiter.allow("busy"));
    CHECK(limiter.allow("busy"));
    CHECK_FALSE(limiter.allow("busy"));
    // ...and users whose buckets are full again are forgotten on the next sweep.
    clock.advance(10s);
    CHECK(limiter.allow("late"));
    CHECK(limiter.tracked() == 1);
}

TEST_CASE("the limiter counts exactly and stays bounded under many threads", "[safety][limits][concurrency]") {
    ManualClock clock;
    RateLimiter shared(60, 10, clock.source());
    RateLimiter churned(60, 10, clock.source(), 50);
    std::atomic<int> allowed{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < 8; ++t) {
        pool.emplace_back([&, t] {
            for (int i = 0; i < 500; ++i) {
                if (shared.allow("one")) ++allowed;
                (void)churned.allow("user-" + std::to_string(t) + "-" + std::to_string(i % 100));
                if (t == 0 && i % 50 == 0) clock.advance(1ms);  // readers see the clock move
            }
        });
    }
    for (auto& th : pool) th.join();
    // The clock moved 10 ms in all: not enough for another token.
    CHECK(allowed == 10);
    CHECK(churned.tracked() <= 50);
}
