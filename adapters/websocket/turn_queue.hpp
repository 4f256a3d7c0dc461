#pragma once
/// Every connection's engine work, in one queue on the turn pool: says are answered in
/// batches through Engine::respond_all (one store commit per batch: a group commit), the
/// sessions of closed connections are forgotten in batches through Engine::forget_all
/// (one commit and one truncation of the log per batch), and other work (a greeting) runs
/// between them.
/// Everything runs in the order it was queued, so one connection's frames are answered in
/// order. One batch runs at a time: SQLite has a single writer, so turns on several threads
/// would only take turns at its lock, and each would pay for its own commit. Under load a
/// batch holds every say that arrived while the previous one ran (up to max_batch), so the
/// commit, and the wake-up of a pool thread, is shared by all of them.
///
/// Thread-safety: say(), forget() and run() may be called from any thread. The callbacks run
/// on a thread of the pool, never on the caller's, and must not throw (a pool thread has
/// nowhere to send an exception: the process would end).

#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>

#include <boost/asio/thread_pool.hpp>
#include <tl/expected.hpp>

#include "reframe/engine.hpp"

namespace reframe::websocket {

class TurnQueue {
public:
    using SayDone = std::function<void(tl::expected<Reply, EngineError> reply)>;
    using ForgetDone = std::function<void(const tl::expected<int, EngineError>& batch)>;

    /// At most this many says (or erasures) share one commit.
    static constexpr std::size_t max_batch = 256;

    TurnQueue(Engine& engine, boost::asio::thread_pool& pool) : engine_(engine), pool_(pool) {}
    TurnQueue(const TurnQueue&) = delete;
    TurnQueue& operator=(const TurnQueue&) = delete;

    /// Queues one message (Engine::prepare, on the caller's thread); `done` gets the
    /// engine's answer.
    void say(Prepared message, SayDone done);
    /// Queues erasing every row about `user`. Consecutive erasures share one commit
    /// (Engine::forget_all): `done` (may be empty) gets the number of sessions erased in
    /// that batch, or, when the batch failed and `user` was then erased alone, 1 or 0 for
    /// that erasure or its error.
    void forget(std::string user, ForgetDone done);
    /// Queues `job`, to run after everything queued before it.
    void run(std::function<void()> job);

private:
    struct Job {
        enum class Kind { say, forget, other } kind;
        Prepared message;           // a say …
        SayDone done;               // … and where its answer goes
        std::string user;           // an erasure …
        ForgetDone forgotten;       // … and where its result goes
        std::function<void()> job;  // other work
    };

    void push(Job job);
    /// Runs on the pool: answers what is queued, then posts itself again if more came.
    void drain();
    void answer(std::deque<Job>& jobs, std::size_t from, std::size_t to);
    /// Erases a run of forget() jobs' users together (Engine::forget_all); when that fails,
    /// each one alone, so one failure keeps nobody else's rows.
    void erase_batch(std::deque<Job>& jobs, std::size_t from, std::size_t to);

    Engine& engine_;
    boost::asio::thread_pool& pool_;
    std::mutex mutex_;
    std::deque<Job> queued_;
    bool draining_ = false;  // a drain() is running or posted
};

}  // namespace reframe::websocket
