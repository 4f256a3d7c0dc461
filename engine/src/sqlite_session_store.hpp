#pragma once
/// Sessions in an SQLite database file (WAL), the embedded default store.

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>

#include "reframe/session_store.hpp"
#include "transcript_buffer.hpp"
#include "wal_checkpointer.hpp"

struct sqlite3;

namespace reframe {

/// When the write-ahead log is folded back into the database file, counted in frames
/// (one page each, 4 KiB on a database this build creates). SQLite's automatic
/// checkpoint is off: a WalCheckpointer does it on a thread of its own.
struct SqliteCheckpointPolicy {
    /// Every time the log has grown by this many frames (about 32 MiB), the background
    /// checkpointer is asked to run. A checkpoint copies each page once however many
    /// frames the log holds for it, so a longer log copies less a turn: 8,000 rather than
    /// 2,000 cut the store's CPU a turn by a tenth (docs/benchmarks.md).
    int background_every = 8'000;
    /// At this many frames the committing connection checkpoints itself, as SQLite's
    /// automatic checkpoint would: under a load that never lets the background
    /// checkpoint catch up, this bounds the log (about 80 MiB).
    int ceiling = 20'000;
};

/// A SessionStore over an SQLite file, with a versioned schema: one connection for the
/// turns, and a second one that a WalCheckpointer uses on a thread of its own.
///
/// open() creates the file and its parent directories, sets WAL journaling,
/// synchronous=NORMAL, a 5 s busy timeout and foreign keys, then applies the migrations
/// this build knows and the file lacks (PRAGMA user_version counts the applied ones). A
/// file whose schema is newer than this build is refused without being written to.
///
/// Thread-safety: the store's own connection and its prepared statements are guarded by
/// one mutex that every call holds for its whole duration; any number of threads may
/// call it at once and calls are serialised (for all users, not only the same one). `turn`
/// runs under that mutex and must not call back into the store. Other processes may open
/// the same file: writers take the database lock up front (BEGIN IMMEDIATE) and wait up to
/// the busy timeout for it. Every SQLite::Exception is converted to a StoreError inside the
/// store; an exception thrown by `turn` rolls the transaction back and propagates.
class SqliteSessionStore final : public SessionStore {
public:
    /// Opens, creates or migrates the database at `path` (not ":memory:").
    static tl::expected<std::unique_ptr<SqliteSessionStore>, StoreError> open(const std::string& path,
                                                                              SqliteCheckpointPolicy policy = {});

    SqliteSessionStore(const SqliteSessionStore&) = delete;
    SqliteSessionStore& operator=(const SqliteSessionStore&) = delete;
    ~SqliteSessionStore() override;

    using SessionStore::update;

    /// BEGIN IMMEDIATE, read and decode the row (a row that cannot be decoded is an error,
    /// never a fresh start), run `turn`, carry out its writes, upsert, COMMIT.
    tl::expected<void, StoreError> update(const std::string& user, const Turn& turn) override;
    /// One BEGIN IMMEDIATE … COMMIT around all the turns: a turn that throws, or whose
    /// writes fail, is undone alone (see update_all in the .cpp). Sessions are cached after
    /// the COMMIT.
    std::vector<tl::expected<void, StoreError>> update_all(std::span<const UserTurn> turns) override;
    /// The decoded row, if any.
    tl::expected<std::optional<SessionState>, StoreError> load(const std::string& user) override;
    /// Deletes the user's rows from every table that holds any, then checkpoints and
    /// truncates the write-ahead log (best effort) so that no old copy stays in it.
    tl::expected<int, StoreError> erase(const std::string& user) override;
    /// erase() for every user in one transaction, then one truncation of the log.
    tl::expected<int, StoreError> erase_all(std::span<const std::string> users) override;
    /// The session row and transcript lines, read in one snapshot.
    tl::expected<StoredData, StoreError> export_data(const std::string& user) override;
    /// Deletes old transcript lines, then truncates the write-ahead log if any went. Lines
    /// are kept a few turns to a row (transcript_buffer.hpp): none stays past `before`, and
    /// a line may go up to transcript_buffer::max_span seconds early, with an older one of
    /// its row.
    tl::expected<std::int64_t, StoreError> purge_transcripts(std::int64_t before) override;

    /// The schema version this build creates and understands (the number of migrations).
    static int schema_version() noexcept;

    /// Background checkpoints run so far (for tests).
    [[nodiscard]] std::uint64_t background_checkpoints();
    /// For tests: runs when a batch whose writes failed has been rolled back, before the
    /// transaction that writes its other turns again begins (when another connection
    /// could write).
    void set_before_begin_again(std::function<void()> hook);

private:
    SqliteSessionStore(SQLite::Database database, const std::string& path, SqliteCheckpointPolicy policy);

    /// sqlite3_wal_hook: after each commit, with the frames the log holds.
    static int on_commit(void* store, sqlite3* db, const char* name, int frames);

    /// A session as stored: its state and the transcript lines waiting in its row.
    struct Stored {
        SessionState state;
        transcript_buffer::Pending pending;
        /// A `pending` column that could not be read, and its `pending_since`: the next turn
        /// moves it as it is into a transcript_turns row of that time (export then reports
        /// it; the purge deletes it), so that it never stops the person's conversation.
        std::string unreadable;
        std::int64_t unreadable_since = 0;
        /// The row's rowid, which the next write updates it by (0: not known, upsert).
        std::int64_t rowid = 0;
    };
    /// Reads and decodes the user's row with `select_`; throws SQLite::Exception.
    tl::expected<std::optional<Stored>, StoreError> read_row(const std::string& user);
    /// Inside a transaction: empties the cache when another connection has written since
    /// this one last looked (PRAGMA data_version changed).
    void check_cache();
    /// The session as committed: taken out of the cache (after check_cache(); the caller
    /// remembers it again once its turn is committed), else read from the row.
    tl::expected<std::optional<Stored>, StoreError> take_cached(const std::string& user);
    /// A store error met inside a transaction, thrown to leave it (and roll it back).
    struct StoreFailure {
        StoreError error;
    };
    /// A turn that ran: the session it left (with the transcript lines left waiting in its
    /// row), what it asked to write, and the transcript rows that fills.
    struct Computed {
        Stored stored;
        TurnWrites writes;
        std::vector<transcript_buffer::Row> rows;
        bool same_since = false;  // the stored row's `pending_since` stays as it is
        /// Rows about the person were deleted: the log must be truncated after the commit.
        [[nodiscard]] bool erased() const { return writes.forget || writes.erase_transcript; }
    };
    /// Inside a transaction, after check_cache(): reads the session and runs `turn` on it;
    /// nothing is written. Throws StoreFailure, SQLite::Exception, or whatever `turn` throws.
    Computed compute(const std::string& user, const Turn& turn);
    /// Inside a transaction: carries out a computed turn's writes, and notes the session
    /// row's rowid in `computed`. Throws SQLite::Exception.
    void write(const std::string& user, Computed& computed);
    /// After the commit: keeps the session the turn left decoded (none when it forgot the person).
    void committed(const std::string& user, Computed& computed);
    /// Keeps a committed session decoded.
    void remember(const std::string& user, Stored stored);
    /// Inside a transaction; throw SQLite::Exception.
    void write_transcript(const std::string& user, const Computed& computed);
    int erase_rows(const std::string& user);  // returns the sessions removed
    void truncate_log() noexcept;

    /// Decoding a row costs more than the rest of a turn, so sessions this connection
    /// committed are kept decoded. Any write by another connection empties the cache.
    static constexpr std::size_t max_cached_sessions = 10'000;

    std::mutex mutex_;
    SQLite::Database db_;  // declared before the statements: they are finalised first
    SQLite::Statement begin_;
    SQLite::Statement commit_;
    SQLite::Statement rollback_;
    SQLite::Statement savepoint_;  // around one turn's writes, once a batch had a failure
    SQLite::Statement release_;
    SQLite::Statement rollback_to_;
    SQLite::Statement select_;
    SQLite::Statement upsert_;
    SQLite::Statement upsert_same_since_;  // for turns that leave `pending_since` as it was
    SQLite::Statement update_;             // the same two, by a known rowid
    SQLite::Statement update_same_since_;
    SQLite::Statement insert_line_;
    SQLite::Statement insert_measure_;
    std::vector<SQLite::Statement> erase_;  // one DELETE per table that holds rows about a user
    SQLite::Statement data_version_;
    std::int64_t seen_data_version_ = -1;
    std::unordered_map<std::string, Stored> cache_;
    std::function<void()> before_begin_again_;  // set_before_begin_again
    SqliteCheckpointPolicy policy_;
    int frames_at_request_ = 0;                      // the log's size when the checkpointer was last asked
    std::unique_ptr<WalCheckpointer> checkpointer_;  // last: stopped before the rest goes
};

}  // namespace reframe
