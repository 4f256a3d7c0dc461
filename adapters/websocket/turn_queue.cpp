#include "turn_queue.hpp"

#include <exception>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/post.hpp>

namespace reframe::websocket {

void TurnQueue::say(Prepared message, SayDone done) {
    push(Job{Job::Kind::say, std::move(message), std::move(done), {}, {}, {}});
}

void TurnQueue::forget(std::string user, ForgetDone done) {
    if (!done) done = [](const tl::expected<int, EngineError>&) {};
    push(Job{Job::Kind::forget, {}, {}, std::move(user), std::move(done), {}});
}

void TurnQueue::run(std::function<void()> job) { push(Job{Job::Kind::other, {}, {}, {}, {}, std::move(job)}); }

void TurnQueue::push(Job job) {
    {
        std::lock_guard lock(mutex_);
        queued_.push_back(std::move(job));
        if (draining_) return;  // the running drain will take it
        draining_ = true;
    }
    boost::asio::post(pool_, [this] { drain(); });
}

void TurnQueue::drain() {
    std::deque<Job> jobs;
    {
        std::lock_guard lock(mutex_);
        jobs.swap(queued_);
    }
    // Runs of says, and runs of erasures, in one batch each (up to max_batch); other jobs
    // between them, in order.
    for (std::size_t first = 0; first < jobs.size();) {
        const auto kind = jobs[first].kind;
        if (kind == Job::Kind::other) {
            jobs[first++].job();
            continue;
        }
        std::size_t end = first + 1;
        while (end < jobs.size() && jobs[end].kind == kind && end - first < max_batch) ++end;
        if (kind == Job::Kind::say) {
            answer(jobs, first, end);
        } else {
            erase_batch(jobs, first, end);
        }
        first = end;
    }
    {
        std::lock_guard lock(mutex_);
        if (queued_.empty()) {
            draining_ = false;
            return;
        }
    }
    // More came meanwhile: queued behind whatever else waits for the pool (a reload must
    // not wait for the load to stop), not looped here.
    boost::asio::post(pool_, [this] { drain(); });
}

void TurnQueue::answer(std::deque<Job>& jobs, std::size_t from, std::size_t to) {
    if (from >= to) return;
    std::vector<Prepared> messages;
    messages.reserve(to - from);
    for (std::size_t i = from; i < to; ++i) messages.push_back(std::move(jobs[i].message));
    std::vector<tl::expected<Reply, EngineError>> replies;
    try {
        replies = engine_.respond_all(messages);
    } catch (const std::exception& error) {
        // Never out of a pool thread (that would end the process): every say of the batch
        // is answered with the failure instead.
        replies.assign(to - from, tl::unexpected(EngineError{std::string{"turn failed: "} + error.what()}));
    }
    for (std::size_t i = from; i < to; ++i) jobs[i].done(std::move(replies[i - from]));
}

namespace {

template <class Call>
tl::expected<int, EngineError> guarded(Call call) {
    try {
        return call();
    } catch (const std::exception& error) {
        return tl::unexpected(EngineError{std::string{"forget failed: "} + error.what()});
    }
}

}  // namespace

void TurnQueue::erase_batch(std::deque<Job>& jobs, std::size_t from, std::size_t to) {
    std::vector<std::string> users;
    users.reserve(to - from);
    for (std::size_t i = from; i < to; ++i) users.push_back(std::move(jobs[i].user));
    const auto erased = guarded([&] { return engine_.forget_all(users); });
    for (std::size_t i = from; i < to; ++i) {
        if (erased) {
            jobs[i].forgotten(erased);
            continue;
        }
        // The batch is all or nothing: one person whose rows cannot be erased must not keep
        // everyone else's. Each is tried alone, and told how that went.
        const auto alone =
            guarded([&] { return engine_.forget_all(std::span<const std::string>(&users[i - from], 1)); });
        jobs[i].forgotten(alone);
    }
}

}  // namespace reframe::websocket
