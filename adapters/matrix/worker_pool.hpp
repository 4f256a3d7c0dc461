#pragma once
/// A fixed set of threads that run one batch of jobs at a time; each thread owns its own
/// ClientApi (one HTTP connection), handed to every job it runs.
///
/// Thread-safety: run_all() is called by one thread at a time (the sync loop).

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "client_api.hpp"

namespace reframe::matrix {

class WorkerPool {
public:
    using Job = std::function<void(ClientApi&)>;

    /// `make_api` builds each thread's ClientApi (called on the constructing thread).
    WorkerPool(int threads, const std::function<std::unique_ptr<ClientApi>()>& make_api);
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    /// Runs every job and returns when all have finished.
    void run_all(std::vector<Job> jobs);

    /// Cancels every thread's request in flight (shutdown).
    void cancel();

private:
    void work(ClientApi& api);

    std::mutex mutex_;
    std::condition_variable wake_, done_;
    std::deque<Job> queue_;
    std::size_t running_ = 0;
    bool closing_ = false;
    std::vector<std::unique_ptr<ClientApi>> apis_;
    std::vector<std::thread> threads_;
};

}  // namespace reframe::matrix
