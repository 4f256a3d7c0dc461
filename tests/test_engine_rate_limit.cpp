// The engine's per-user rate limit never stands between a person in crisis and an answer.
#include <atomic>
#include <chrono>
#include <sstream>
#include <thread>

#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include "bundled.hpp"
#include "engine_fixture.hpp"
#include "manual_clock.hpp"

using namespace reframe;
using namespace reframe::testing;
using namespace std::chrono_literals;

namespace {

/// An engine over the bundled dialogues: 60 a minute (one a second), bursts of 3.
std::unique_ptr<Engine> limited_engine(const ManualClock& clock, std::shared_ptr<spdlog::logger> logger = nullptr) {
    EngineOptions options;
    options.logger = std::move(logger);
    options.rate_per_minute = 60;
    options.rate_burst = 3;
    options.clock = clock.source();
    auto store = open_session_store(StoreOptions{":memory:"});
    REQUIRE(store);
    return std::make_unique<Engine>(bundled(), std::move(*store), options);
}

SessionState saved(Engine& engine, const std::string& user) {
    auto s = engine.store().load(user);
    REQUIRE(s);
    REQUIRE(s->has_value());
    return **s;
}

}  // namespace

TEST_CASE("over the limit a message is not handled and the session is unchanged", "[safety][limits]") {
    ManualClock clock;
    auto engine = limited_engine(clock);
    for (int i = 0; i < 3; ++i) CHECK(say(*engine, "u", "im so useless").error.empty());
    const SessionState before = saved(*engine, "u");
    const auto reply = say(*engine, "u", "i should be over this by now");
    CHECK(reply.error == "rate_limited");
    REQUIRE(reply.messages.size() == 1);
    CHECK(reply.messages[0].find("slow down") != std::string::npos);
    CHECK(reply.state == before.at.flow + "." + before.at.state);
    CHECK(reply.intents.empty());
    CHECK(reply.safety.empty());
    CHECK(saved(*engine, "u") == before);
}

TEST_CASE("the limit lifts as the clock advances", "[safety][limits]") {
    ManualClock clock;
    auto engine = limited_engine(clock);
    for (int i = 0; i < 3; ++i) say(*engine, "u", "hello");
    CHECK(say(*engine, "u", "hello").error == "rate_limited");
    clock.advance(1s);
    const auto reply = say(*engine, "u", "hello");
    CHECK(reply.error.empty());
    CHECK(reply.intents == std::vector<std::string>{"greeting"});
    CHECK(say(*engine, "u", "hello").error == "rate_limited");
}

TEST_CASE("a crisis or a medical red flag is answered even over the limit", "[safety][limits]") {
    ManualClock clock;
    auto engine = limited_engine(clock);
    for (int i = 0; i < 3; ++i) say(*engine, "u", "hello");
    REQUIRE(say(*engine, "u", "hello").error == "rate_limited");
    const auto crisis = say(*engine, "u", "honestly everyone would be better off without me");
    CHECK(crisis.error.empty());
    CHECK(crisis.safety == "crisis");
    CHECK(crisis.state.rfind("safety.", 0) == 0);
    CHECK_FALSE(crisis.messages.empty());
    const auto medical = say(*engine, "u", "crushing pain in my chest going down my left arm");
    CHECK(medical.error.empty());
    CHECK(medical.safety == "medical_urgent");
    // An over-long message is no way around it either: the crisis is still found.
    const auto long_crisis = say(*engine, "u", std::string(20'000, 'a') + ". i want to end it all tonight");
    CHECK(long_crisis.safety == "crisis");
    CHECK(saved(*engine, "u").turns == 6);
    CHECK(say(*engine, "u", "hello").error == "rate_limited");
}

TEST_CASE("users have independent limits", "[safety][limits]") {
    ManualClock clock;
    auto engine = limited_engine(clock);
    for (int i = 0; i < 3; ++i) say(*engine, "a", "hello");
    CHECK(say(*engine, "a", "hello").error == "rate_limited");
    for (int i = 0; i < 3; ++i) CHECK(say(*engine, "b", "hello").error.empty());
    CHECK(say(*engine, "b", "hello").error == "rate_limited");
    CHECK(saved(*engine, "a").turns == 3);
    CHECK(saved(*engine, "b").turns == 3);
}

TEST_CASE("many threads share the limit exactly and without a data race", "[safety][limits][concurrency]") {
    ManualClock clock;
    std::ostringstream log;
    auto logger = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log));
    logger->set_pattern("%v");
    auto engine = limited_engine(clock, logger);
    constexpr int threads = 8;
    constexpr int users = 4;
    constexpr int turns = 40;
    std::atomic<int> answered{0}, limited{0}, crises{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            for (int i = 0; i < turns; ++i) {
                const auto user = "user-" + std::to_string((t + i) % users);
                const bool crisis = i % 10 == 9;
                auto reply = engine->respond(user, crisis ? "i want to end it all tonight" : "hello");
                if (!reply) continue;
                if (reply->error == "rate_limited") ++limited;
                if (reply->error.empty()) ++answered;
                if (reply->safety == "crisis") ++crises;
            }
        });
    }
    for (auto& th : pool) th.join();
    // The clock never moved: every user got exactly the burst, plus every crisis.
    CHECK(crises == threads * turns / 10);
    CHECK(answered + limited == threads * turns);
    CHECK(limited > 0);
    std::uint64_t saved_turns = 0;
    for (int u = 0; u < users; ++u) saved_turns += saved(*engine, "user-" + std::to_string(u)).turns;
    CHECK(saved_turns == static_cast<std::uint64_t>(answered.load()));
    // Each user's burst was spent exactly once; a crisis that found the bucket empty is
    // answered on top of it.
    CHECK(answered >= users * 3);
    CHECK(answered <= users * 3 + crises);
    // One log line per turn, none lost or torn.
    std::istringstream lines(log.str());
    int logged = 0, logged_limited = 0;
    for (std::string line; std::getline(lines, line); ++logged) {
        REQUIRE(line.rfind("turn user=", 0) == 0);
        if (line.find(" error=rate_limited ") != std::string::npos) ++logged_limited;
    }
    CHECK(logged == threads * turns);
    CHECK(logged_limited == limited);
}
