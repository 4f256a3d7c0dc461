#include "turn_queue.hpp"

#include <exception>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/post.hpp>

namespace reframe::websocket {

void TurnQueue::say(Prepared message, SayDone done) { push(Job{std::move(message), std::move(done), {}}); }

void TurnQueue::run(std::function<void()> job) { push(Job{{}, {}, std::move(job)}); }

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
    // Runs of says in one batch each (up to max_batch); other jobs between them, in order.
    std::size_t first_say = 0;
    for (std::size_t i = 0; i <= jobs.size(); ++i) {
        const bool is_say = i < jobs.size() && jobs[i].done;
        if (is_say && i - first_say < max_batch) continue;
        answer(jobs, first_say, i);
        first_say = is_say ? i : i + 1;
        if (i < jobs.size() && !is_say) jobs[i].job();
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

}  // namespace reframe::websocket
