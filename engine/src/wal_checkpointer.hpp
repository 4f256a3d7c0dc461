#pragma once
/// Folds an SQLite write-ahead log back into its database file on a thread and a
/// connection of its own, so that the connection that writes the turns never runs a
/// checkpoint, nor waits for the fsyncs one ends with. SQLite's own automatic checkpoint
/// runs inside a commit, on the committing thread: under load that stalled every turn
/// waiting for the batch (docs/benchmarks.md).
///
/// Checkpoints here are PASSIVE: they copy what no reader needs any more and never wait
/// for the writer, nor hold up its commits. The writer restarts the log from its beginning
/// on its own, at the first commit after a checkpoint has copied all of it. The writer
/// waits for a checkpoint in progress only when it must run one itself (pause()).
///
/// Thread-safety: request() and pause() may be called from any thread; the connection is
/// used by the checkpointer's thread only.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include <SQLiteCpp/SQLiteCpp.h>

namespace reframe {

class WalCheckpointer {
public:
    /// Opens a second connection to the database at `path` (which must exist, in WAL mode)
    /// and starts the thread. Throws SQLite::Exception.
    WalCheckpointer(const std::string& path, int busy_timeout_ms);
    WalCheckpointer(const WalCheckpointer&) = delete;
    WalCheckpointer& operator=(const WalCheckpointer&) = delete;
    /// Stops and joins the thread (a checkpoint in progress finishes first), then closes
    /// the connection.
    ~WalCheckpointer();

    /// Asks for a checkpoint. Never blocks: requests made while one runs are served by one
    /// more checkpoint after it.
    void request();
    /// Waits for a checkpoint in progress to end and keeps the next from starting while the
    /// returned lock is held: for a checkpoint the caller must run itself (a TRUNCATE after
    /// erasing someone must not find the log busy).
    [[nodiscard]] std::unique_lock<std::mutex> pause();
    /// Checkpoints run so far, failed ones included (for tests).
    [[nodiscard]] std::uint64_t runs();

private:
    /// A checkpoint that found a lock taken is tried again this often, at most this many
    /// times in a row.
    static constexpr std::chrono::milliseconds busy_retry_delay{10};
    static constexpr int max_busy_retries = 100;

    void run();
    /// On the thread: makes the connection open the log, once. Throws SQLite::Exception.
    void open_log();

    SQLite::Database db_;
    std::mutex checkpointing_;  // held for each checkpoint; pause() takes it
    std::mutex mutex_;          // guards the fields below
    std::condition_variable wake_;
    bool requested_ = false;
    bool stopping_ = false;
    std::uint64_t runs_ = 0;
    bool log_open_ = false;  // the thread's own
    std::thread thread_;     // last: started once everything above is ready
};

}  // namespace reframe
