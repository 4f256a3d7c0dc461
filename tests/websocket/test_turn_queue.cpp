// The turn queue: every connection's engine work in the order it was queued, says answered
// in batches, and other work on the pool never starved by a steady stream of says.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include "serve_fixture.hpp"
#include "turn_queue.hpp"

using namespace reframe;
using reframe::testing::bundled_engine;
using websocket::TurnQueue;

namespace {

/// A turn queue on a one-thread pool that is held until run_all(), so that everything queued
/// before is taken by one drain.
struct HeldQueue {
    std::unique_ptr<Engine> engine = bundled_engine();
    boost::asio::thread_pool pool{1};
    TurnQueue queue{*engine, pool};
    std::promise<void> release;
    bool released = false;

    HeldQueue() {
        boost::asio::post(pool, [held = release.get_future().share()] { held.wait(); });
    }
    HeldQueue(const HeldQueue&) = delete;
    HeldQueue& operator=(const HeldQueue&) = delete;
    ~HeldQueue() {
        // The pool's work uses the queue and the engine: it ends before they go.
        if (!released) release.set_value();
        pool.join();
    }

    /// Lets the pool go and waits until everything queued has run.
    void run_all() {
        std::promise<void> finished;
        queue.run([&finished] { finished.set_value(); });
        release.set_value();
        released = true;
        REQUIRE(finished.get_future().wait_for(std::chrono::seconds(60)) == std::future_status::ready);
        pool.join();
    }

    void check_erased(const std::vector<std::string>& users) {
        for (const auto& user : users) {
            auto stored = engine->store().load(user);
            REQUIRE(stored);
            CHECK_FALSE(stored->has_value());
        }
    }
};

}  // namespace

TEST_CASE("turn queue: says and other work run in the order they were queued", "[websocket][batch]") {
    auto engine = bundled_engine();
    auto reference = bundled_engine();
    boost::asio::thread_pool pool(2);
    TurnQueue queue(*engine, pool);
    std::mutex mutex;
    std::vector<std::string> events;  // what ran, in order
    std::vector<std::string> expected;
    const auto log = [&](std::string event) {
        std::lock_guard lock(mutex);
        events.push_back(std::move(event));
    };
    const std::vector<std::string> texts = {"hello", "no thanks", "I'm useless", "I should be over this by now"};
    for (int round = 0; round < 50; ++round) {
        for (const std::string user : {"ana", "ben", "cy"}) {
            const std::string& text = texts[static_cast<std::size_t>(round) % texts.size()];
            auto reply = reference->respond(user, text);
            REQUIRE(reply);
            expected.push_back(user + ":" + reply->state);
            queue.say(engine->prepare({user, text}), [&log, user](auto answer) {
                log(user + ":" + (answer ? answer->state : "error " + answer.error().message));
            });
        }
        if (round % 10 == 0) {
            expected.push_back("job " + std::to_string(round));
            queue.run([&log, round] { log("job " + std::to_string(round)); });
        }
    }
    std::promise<void> finished;
    queue.run([&finished] { finished.set_value(); });
    REQUIRE(finished.get_future().wait_for(std::chrono::seconds(60)) == std::future_status::ready);
    pool.join();
    // Each person's replies are the ones respond() gives one at a time, and every job ran
    // between the says queued before and after it.
    CHECK(events == expected);
}

TEST_CASE("turn queue: erasures queued together are one batch, in order with the says", "[websocket][batch][privacy]") {
    HeldQueue held;
    auto& engine = held.engine;
    for (const std::string user : {"ana", "ben", "cy"}) REQUIRE(engine->respond(user, "I'm useless"));
    std::mutex mutex;
    std::vector<std::string> events;
    const auto log = [&](std::string event) {
        std::lock_guard lock(mutex);
        events.push_back(std::move(event));
    };
    const auto forgotten = [&log](std::string user) {
        return [&log, user](const tl::expected<int, EngineError>& batch) {
            log(user + " forgotten in a batch of " +
                (batch ? std::to_string(*batch) : "error " + batch.error().message));
        };
    };
    held.queue.say(engine->prepare({"ana", "I should be over this by now"}),
                   [&log](auto reply) { log(std::string("ana said: ") + (reply ? "answered" : "error")); });
    for (const std::string user : {"ana", "ben", "nobody"}) held.queue.forget(user, forgotten(user));
    // After the erasure: a new person's first contact.
    held.queue.say(engine->prepare({"ben", "hello"}),
                   [&log](auto reply) { log("ben said: " + (reply ? reply->state : "error")); });
    held.queue.forget("cy", forgotten("cy"));
    held.run_all();
    const std::vector<std::string> expected = {
        "ana said: answered",
        "ana forgotten in a batch of 2",  // ana and ben had sessions, nobody had none
        "ben forgotten in a batch of 2",
        "nobody forgotten in a batch of 2",
        "ben said: privacy.consent",
        "cy forgotten in a batch of 1",
    };
    CHECK(events == expected);
    held.check_erased({"ana", "cy"});
}

TEST_CASE("turn queue: when a batch of erasures fails, each person is erased alone", "[websocket][batch][privacy]") {
    HeldQueue held;
    for (const std::string user : {"ana", "ben"}) REQUIRE(held.engine->respond(user, "I'm useless"));
    std::mutex mutex;
    std::vector<std::string> events;
    for (const std::string user : {"ana", "", "ben"}) {
        // An empty id makes Engine::forget_all refuse the whole batch.
        held.queue.forget(user, [&, user](const tl::expected<int, EngineError>& erased) {
            std::lock_guard lock(mutex);
            events.push_back("'" + user + "': " + (erased ? std::to_string(*erased) : "error"));
        });
    }
    held.run_all();
    CHECK(events == std::vector<std::string>{"'ana': 1", "'': error", "'ben': 1"});
    held.check_erased({"ana", "ben"});
}

TEST_CASE("turn queue: work posted to the pool runs while says keep coming", "[websocket][batch]") {
    auto engine = bundled_engine();
    boost::asio::thread_pool pool(1);  // one thread: the drain must give it back between batches
    TurnQueue queue(*engine, pool);
    std::atomic<bool> other_ran{false};
    std::atomic<bool> stop{false};  // ends the stream even when the other work never ran
    std::atomic<int> answered{0};
    // A person who writes again as soon as they are answered keeps the queue busy.
    std::function<void()> say_again = [&] {
        queue.say(engine->prepare({"steady", "I'm useless"}), [&](auto) {
            ++answered;
            if (!other_ran && !stop) say_again();
        });
    };
    for (int i = 0; i < 4; ++i) say_again();
    while (answered < 8) std::this_thread::yield();
    boost::asio::post(pool, [&] { other_ran = true; });  // e.g. a SIGHUP reload
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!other_ran && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
    CHECK(other_ran);
    stop = true;  // a regression fails the check above instead of hanging in join()
    pool.join();
}
