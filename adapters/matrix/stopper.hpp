#pragma once
/// Shutdown in two steps. stop(): take no new work, let replies in flight finish.
/// abort(): give up now (waits end at once, cancel hooks run). Sleeps are interruptible.
///
/// Thread-safety: every method may be called from any thread.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <vector>

namespace reframe::matrix {

class Stopper {
public:
    void stop() {
        {
            const std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        cv_.notify_all();
        const std::lock_guard hooks(hooks_mutex_);
        for (auto& hook : on_stop_) hook();
    }

    void abort() {
        {
            const std::lock_guard lock(mutex_);
            stopping_ = aborted_ = true;
        }
        cv_.notify_all();
        const std::lock_guard hooks(hooks_mutex_);
        for (auto& hook : on_stop_) hook();
        for (auto& hook : on_abort_) hook();
    }

    /// Forgets the hooks (before what they point at goes away).
    void clear_hooks() {
        const std::lock_guard hooks(hooks_mutex_);
        on_stop_.clear();
        on_abort_.clear();
    }

    bool stopping() const {
        const std::lock_guard lock(mutex_);
        return stopping_;
    }
    bool aborted() const {
        const std::lock_guard lock(mutex_);
        return aborted_;
    }

    /// Runs at stop() (e.g. cancel the long poll); at once when already stopping.
    void on_stop(std::function<void()> hook) { add(on_stop_, std::move(hook), stopping()); }
    /// Runs at abort() (e.g. cancel every request).
    void on_abort(std::function<void()> hook) { add(on_abort_, std::move(hook), aborted()); }

    /// Waits `duration`; false when woken by abort() (or by stop() when `until_stop`).
    bool sleep_for(std::chrono::milliseconds duration, bool until_stop = false) {
        std::unique_lock lock(mutex_);
        cv_.wait_for(lock, duration, [&] { return aborted_ || (until_stop && stopping_); });
        return !(aborted_ || (until_stop && stopping_));
    }

private:
    void add(std::vector<std::function<void()>>& list, std::function<void()> hook, bool now) {
        const std::lock_guard hooks(hooks_mutex_);
        if (now) hook();
        list.push_back(std::move(hook));
    }

    mutable std::mutex mutex_;
    std::mutex hooks_mutex_;  // held while hooks run, so clear_hooks() waits for them
    std::condition_variable cv_;
    bool stopping_ = false;
    bool aborted_ = false;
    std::vector<std::function<void()>> on_stop_, on_abort_;
};

}  // namespace reframe::matrix
