#include "wal_checkpointer.hpp"

#include <sqlite3.h>

namespace reframe {

WalCheckpointer::WalCheckpointer(const std::string& path, int busy_timeout_ms)
    : db_(path, SQLite::OPEN_READWRITE | SQLite::OPEN_NOMUTEX, busy_timeout_ms), thread_([this] { run(); }) {}

void WalCheckpointer::open_log() {
    // Make sure the connection has opened the database and its log before the first
    // checkpoint (on a connection that has read nothing, a checkpoint may find no log to
    // fold in and still report success). Reading the schema opens both.
    if (!log_open_) {
        db_.exec("SELECT count(*) FROM sqlite_master");
        log_open_ = true;
    }
}

WalCheckpointer::~WalCheckpointer() {
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void WalCheckpointer::request() {
    {
        const std::lock_guard lock(mutex_);
        requested_ = true;
    }
    wake_.notify_one();
}

void WalCheckpointer::request_truncate() {
    {
        const std::lock_guard lock(mutex_);
        truncate_requested_ = true;
    }
    wake_.notify_one();
}

std::unique_lock<std::mutex> WalCheckpointer::pause() { return std::unique_lock(checkpointing_); }

std::uint64_t WalCheckpointer::runs() {
    const std::lock_guard lock(mutex_);
    return runs_;
}

int WalCheckpointer::checkpoint(bool truncate) {
    const std::lock_guard checkpointing(checkpointing_);
    // Another failure (the disk full, say) is left to the next request; the writer's own
    // checkpoint at the log's ceiling still bounds the log.
    try {
        open_log();
        return sqlite3_wal_checkpoint_v2(db_.getHandle(), nullptr,
                                         truncate ? SQLITE_CHECKPOINT_TRUNCATE : SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                         nullptr);
    } catch (const SQLite::Exception& error) {
        return error.getErrorCode();
    }
}

void WalCheckpointer::run() {
    int busy_retries = 0;
    for (;;) {
        bool truncate = false;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return requested_ || truncate_requested_ || stopping_; });
            if (truncate_requested_) {
                // Erasures close together share one truncation: it folds in the whole log,
                // syncs the file and holds up the writer meanwhile.
                wake_.wait_until(lock, last_truncate_ + truncate_interval, [this] { return stopping_; });
            } else if (stopping_) {
                return;
            }
            truncate = truncate_requested_;
            truncate_requested_ = false;
            requested_ = false;
        }
        const int result = checkpoint(truncate);
        std::unique_lock lock(mutex_);
        ++runs_;
        if (truncate) last_truncate_ = std::chrono::steady_clock::now();
        if (stopping_) return;
        // A PASSIVE checkpoint never waits for a lock: one held for a moment (the writer
        // updating the log's index, another process's checkpoint) makes it give up. A
        // TRUNCATE waits up to the busy timeout. Either is tried again shortly, a bounded
        // number of times, rather than left to the next request.
        const bool busy = (result & 0xFF) == SQLITE_BUSY || (result & 0xFF) == SQLITE_LOCKED;
        if (busy && busy_retries < max_busy_retries) {
            ++busy_retries;
            (truncate ? truncate_requested_ : requested_) = true;
            wake_.wait_for(lock, busy_retry_delay, [this] { return stopping_; });
        } else {
            busy_retries = 0;
        }
    }
}

}  // namespace reframe
