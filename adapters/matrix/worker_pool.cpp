#include "worker_pool.hpp"

namespace reframe::matrix {

WorkerPool::WorkerPool(int threads, const std::function<std::unique_ptr<ClientApi>()>& make_api) {
    for (int i = 0; i < threads; ++i) apis_.push_back(make_api());
    for (auto& api : apis_) threads_.emplace_back([this, a = api.get()] { work(*a); });
}

WorkerPool::~WorkerPool() {
    {
        const std::lock_guard lock(mutex_);
        closing_ = true;
    }
    wake_.notify_all();
    for (auto& t : threads_) t.join();
}

void WorkerPool::run_all(std::vector<Job> jobs) {
    std::unique_lock lock(mutex_);
    for (auto& job : jobs) queue_.push_back(std::move(job));
    wake_.notify_all();
    done_.wait(lock, [&] { return queue_.empty() && running_ == 0; });
}

void WorkerPool::cancel() {
    for (auto& api : apis_) api->cancel();
}

void WorkerPool::work(ClientApi& api) {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [&] { return closing_ || !queue_.empty(); });
        if (queue_.empty()) return;  // closing, nothing left
        auto job = std::move(queue_.front());
        queue_.pop_front();
        ++running_;
        lock.unlock();
        job(api);
        lock.lock();
        --running_;
        if (queue_.empty() && running_ == 0) done_.notify_all();
    }
}

}  // namespace reframe::matrix
