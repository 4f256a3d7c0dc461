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

std::unique_lock<std::mutex> WalCheckpointer::pause() { return std::unique_lock(checkpointing_); }

std::uint64_t WalCheckpointer::runs() {
    const std::lock_guard lock(mutex_);
    return runs_;
}

void WalCheckpointer::run() {
    int busy_retries = 0;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return requested_ || stopping_; });
            if (stopping_) return;
            requested_ = false;
        }
        int result = SQLITE_OK;
        {
            const std::lock_guard checkpointing(checkpointing_);
            // Another failure (the disk full, say) is left to the next request; the writer's
            // own checkpoint at the log's ceiling still bounds the log.
            try {
                open_log();
                result =
                    sqlite3_wal_checkpoint_v2(db_.getHandle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
            } catch (const SQLite::Exception& error) {
                result = error.getErrorCode();
            }
        }
        std::unique_lock lock(mutex_);
        ++runs_;
        // A PASSIVE checkpoint never waits for a lock: one held for a moment (the writer
        // updating the log's index, another process's checkpoint) makes it give up. Try
        // again shortly, a bounded number of times, rather than leave the log to the next
        // commit that asks.
        const bool busy = (result & 0xFF) == SQLITE_BUSY || (result & 0xFF) == SQLITE_LOCKED;
        if (busy && busy_retries < max_busy_retries) {
            ++busy_retries;
            requested_ = true;
            wake_.wait_for(lock, busy_retry_delay, [this] { return stopping_; });
        } else {
            busy_retries = 0;
        }
    }
}

}  // namespace reframe
