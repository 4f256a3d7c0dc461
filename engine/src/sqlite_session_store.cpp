#include "sqlite_session_store.hpp"

#include "sqlite_wal_vfs.hpp"
#include "transcript_rows.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string_view>
#include <system_error>
#include <utility>

#include <sqlite3.h>

namespace reframe {
namespace {

constexpr int busy_timeout_ms = 5000;

/// Schema migrations, oldest first: entry i takes `PRAGMA user_version` from i to i + 1.
/// To change the schema, append one entry (and never edit one that has shipped).
constexpr auto migrations = std::to_array<const char*>({
    // 1: one row per person, holding the serialised SessionState (about 1 KB: too large
    // for WITHOUT ROWID to pay off; measured slower).
    "CREATE TABLE sessions (user_id TEXT PRIMARY KEY, version INTEGER NOT NULL,"
    " state TEXT NOT NULL, updated_at INTEGER NOT NULL)",
    // 2: transcripts, only for people who agreed to them; purged after the retention time.
    "CREATE TABLE transcripts (id INTEGER PRIMARY KEY, user_id TEXT NOT NULL, at INTEGER NOT NULL,"
    " turn INTEGER NOT NULL, speaker TEXT NOT NULL, text TEXT NOT NULL);"
    " CREATE INDEX transcripts_by_user ON transcripts (user_id, id);"
    " CREATE INDEX transcripts_by_time ON transcripts (at)",
    // 3: check-in values (a rule's `record:`), kept until the person asks to be forgotten.
    "CREATE TABLE measures (id INTEGER PRIMARY KEY, user_id TEXT NOT NULL, at INTEGER NOT NULL,"
    " name TEXT NOT NULL, value TEXT NOT NULL);"
    " CREATE INDEX measures_by_user ON measures (user_id, id)",
    // 4: transcript lines found by a 64-bit key of their owner instead of the owner's text
    // (40-70 characters): the index on the text made every turn's two lines dirty a page of
    // their own, about three times the log a turn writes now (docs/benchmarks.md).
    "ALTER TABLE transcripts ADD COLUMN user_key INTEGER NOT NULL DEFAULT 0;"
    " UPDATE transcripts SET user_key = reframe_user_key(user_id);"
    " DROP INDEX transcripts_by_user;"
    " CREATE INDEX transcripts_by_owner ON transcripts (user_key)",
    // 5: one row per turn instead of one per line (transcript_rows.hpp): a turn's two or
    // three lines cost one insert into the table and its two indexes instead of one each.
    // transcript_rows::regroup() then moves the lines over and drops `transcripts`.
    "CREATE TABLE transcript_turns (id INTEGER PRIMARY KEY, user_id TEXT NOT NULL, user_key INTEGER NOT NULL,"
    " at INTEGER NOT NULL, lines TEXT NOT NULL);"
    " CREATE INDEX transcript_turns_by_owner ON transcript_turns (user_key);"
    " CREATE INDEX transcript_turns_by_time ON transcript_turns (at)",
    // 6: a person's newest transcript lines wait in their session row and go to
    // transcript_turns a few turns at a time (transcript_buffer.hpp); the retention purge
    // finds old waiting lines by `pending_since` (the oldest one's time), which changes
    // only when lines start waiting, are written out or are purged.
    "ALTER TABLE sessions ADD COLUMN pending TEXT;"
    " ALTER TABLE sessions ADD COLUMN pending_since INTEGER;"
    " CREATE INDEX sessions_pending ON sessions (pending_since) WHERE pending_since IS NOT NULL",
});

/// Work a migration does besides its SQL (index: the migration's number).
void after_migration(SQLite::Database& db, int target) {
    if (target == 5) transcript_rows::regroup(db);
}

/// Every table that holds rows about a person, as the DELETE that erase() runs; a
/// migration that adds such a table adds its line here. ?1 is the user id, ?2 (where a
/// statement has it) the user's key. Sessions first: erase() reports how many rows the
/// first statement removed.
constexpr auto erase_sql = std::to_array<const char*>({
    "DELETE FROM sessions WHERE user_id = ?1",
    "DELETE FROM transcript_turns WHERE user_key = ?2 AND user_id = ?1",
    "DELETE FROM measures WHERE user_id = ?1",
});

/// The transcript statements, in erase_sql's order for the transcript's own DELETE.
constexpr std::size_t erase_transcript_index = 1;
constexpr const char* insert_line_sql =
    "INSERT INTO transcript_turns (user_id, user_key, at, lines) VALUES (?, ?, ?, ?)";
constexpr const char* select_lines_sql =
    "SELECT lines FROM transcript_turns WHERE user_key = ?2 AND user_id = ?1 ORDER BY id";
constexpr const char* insert_measure_sql = "INSERT INTO measures (user_id, at, name, value) VALUES (?, ?, ?, ?)";
constexpr const char* select_measures_sql = "SELECT at, name, value FROM measures WHERE user_id = ? ORDER BY id";
constexpr const char* purge_sql = "DELETE FROM transcript_turns WHERE at < ?";
constexpr const char* count_purged_sql =
    "SELECT coalesce(sum(json_array_length(lines)), 0) FROM transcript_turns WHERE at < ?";
constexpr const char* old_pending_sql = "SELECT user_id, pending, pending_since FROM sessions WHERE pending_since < ?";
constexpr const char* set_pending_sql = "UPDATE sessions SET pending = ?, pending_since = ? WHERE user_id = ?";

constexpr const char* select_sql = "SELECT state, pending, pending_since, rowid FROM sessions WHERE user_id = ?";
constexpr const char* upsert_sql =
    "INSERT INTO sessions (user_id, version, state, updated_at, pending, pending_since) VALUES (?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (user_id) DO UPDATE SET version = excluded.version, state = excluded.state,"
    " updated_at = excluded.updated_at, pending = excluded.pending, pending_since = excluded.pending_since"
    " RETURNING rowid";
/// The same, for a turn that leaves `pending_since` as it was: a column an UPDATE sets is
/// rewritten in its indexes even when its value stays, so most turns leave it out.
constexpr const char* upsert_same_since_sql =
    "INSERT INTO sessions (user_id, version, state, updated_at, pending, pending_since) VALUES (?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (user_id) DO UPDATE SET version = excluded.version, state = excluded.state,"
    " updated_at = excluded.updated_at, pending = excluded.pending RETURNING rowid";
/// A row whose rowid the cache knows is updated by it, without looking the user's text up
/// in the primary key's index; the user is compared too, so a rowid gone stale (the row
/// rolled back, erased, or another person's since) updates nothing, and the upsert runs.
/// No known path hands a turn another person's rowid (another connection's write empties
/// the cache, an erasure drops the entry, a replay gives out the same rowids): the user
/// comparison is the safety net that keeps a wrong one from ever writing someone else's
/// row, so keep it. Bound as the upserts are, with the rowid as ?7 (?6 is unused in the
/// second one).
constexpr const char* update_sql =
    "UPDATE sessions SET version = ?2, state = ?3, updated_at = ?4, pending = ?5, pending_since = ?6"
    " WHERE rowid = ?7 AND user_id = ?1";
constexpr const char* update_same_since_sql =
    "UPDATE sessions SET version = ?2, state = ?3, updated_at = ?4, pending = ?5 WHERE rowid = ?7 AND user_id = ?1";

StoreError to_store_error(const SQLite::Exception& error) { return StoreError{error.what()}; }

/// The key transcript lines are indexed by: FNV-1a (64 bits) of the user id. Stable across
/// builds and platforms, since it is stored; two users may share one, so every query also
/// compares the user id.
std::int64_t user_key(std::string_view user) noexcept {
    std::uint64_t hash = 14695981039346656037ULL;
    for (const char c : user) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 1099511628211ULL;
    }
    return static_cast<std::int64_t>(hash);
}

/// reframe_user_key(text) for SQL: migration 4 fills the key of the lines already stored.
void user_key_function(sqlite3_context* context, int argc, sqlite3_value** argv) {
    if (argc != 1 || sqlite3_value_type(argv[0]) != SQLITE_TEXT) return sqlite3_result_null(context);
    const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
    const auto size = static_cast<std::size_t>(sqlite3_value_bytes(argv[0]));
    sqlite3_result_int64(context, user_key(std::string_view(text, size)));
}

/// Binds the waiting lines to `pending` (parameter `first`) and `pending_since` (the next):
/// both NULL when none wait. The lines are not copied: `pending` must outlive the step.
void bind_pending(SQLite::Statement& statement, int first, const transcript_buffer::Pending& pending) {
    if (pending.empty()) {
        statement.bind(first);
        statement.bind(first + 1);
    } else {
        statement.bindNoCopy(first, pending.lines);
        statement.bind(first + 1, pending.since);
    }
}

/// Binds the user (?1) and, where the statement has it, the user's key (?2).
void bind_user(SQLite::Statement& statement, const std::string& user) {
    statement.bind(1, user);
    if (statement.getBindParameterCount() >= 2) statement.bind(2, user_key(user));
}

/// Resets a reused statement when leaving scope, so it never holds a read snapshot open.
class ResetOnExit {
public:
    explicit ResetOnExit(SQLite::Statement& statement) noexcept : statement_(statement) {}
    ResetOnExit(const ResetOnExit&) = delete;
    ResetOnExit& operator=(const ResetOnExit&) = delete;
    ~ResetOnExit() { statement_.tryReset(); }

private:
    SQLite::Statement& statement_;
};

/// Runs a prepared statement that returns no rows, leaving it reset for the next use.
int run(SQLite::Statement& statement) {
    statement.tryReset();  // the result of an earlier failed step is of no interest here
    const ResetOnExit reset(statement);
    return statement.exec();
}

/// BEGIN IMMEDIATE ... COMMIT over prepared statements; rolls back in its destructor
/// unless commit() ran. (SQLite::Transaction re-parses its SQL text on every use.)
class ImmediateTransaction {
public:
    ImmediateTransaction(SQLite::Statement& begin, SQLite::Statement& commit, SQLite::Statement& rollback)
        : commit_(commit), rollback_(rollback) {
        run(begin);
    }
    ImmediateTransaction(const ImmediateTransaction&) = delete;
    ImmediateTransaction& operator=(const ImmediateTransaction&) = delete;
    ~ImmediateTransaction() {
        if (done_) return;
        rollback_.tryReset();
        rollback_.tryExecuteStep();  // never throws; a failed rollback leaves nothing to do
        rollback_.tryReset();
    }
    void commit() {
        run(commit_);
        done_ = true;
    }

private:
    SQLite::Statement& commit_;
    SQLite::Statement& rollback_;
    bool done_ = false;
};

std::int64_t unix_seconds() {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    return std::chrono::duration_cast<std::chrono::seconds>(now).count();
}

int user_version(SQLite::Database& db) { return db.execAndGet("PRAGMA user_version").getInt(); }

StoreError newer_schema_error(int found) {
    return StoreError{"database schema version " + std::to_string(found) + " is newer than this build supports (" +
                      std::to_string(SqliteSessionStore::schema_version()) + ")"};
}

/// Applies the migrations the file lacks, each in its own transaction. Another process may
/// migrate the same file concurrently, so the version is re-read under the write lock.
tl::expected<void, StoreError> migrate(SQLite::Database& db) {
    const int known = SqliteSessionStore::schema_version();
    for (int target = user_version(db) + 1; target <= known; ++target) {
        SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
        const int current = user_version(db);
        if (current > known) return tl::make_unexpected(newer_schema_error(current));
        if (current >= target) continue;
        db.exec(migrations[static_cast<std::size_t>(target - 1)]);
        after_migration(db, target);
        db.exec("PRAGMA user_version = " + std::to_string(target));
        transaction.commit();
    }
    return {};
}

/// Connection settings, the newer-schema check and migrations, in an order that never
/// writes to a file this build must refuse.
tl::expected<void, StoreError> prepare_database(SQLite::Database& db) {
    db.exec("PRAGMA foreign_keys = ON");
    db.createFunction("reframe_user_key", 1, true, nullptr, &user_key_function);
    // Reading the header first also turns "not a database" into an error before any write.
    if (const int found = user_version(db); found > SqliteSessionStore::schema_version()) {
        return tl::make_unexpected(newer_schema_error(found));
    }
    // SQLite's default page size. Turns are committed in batches (update_all), so a commit
    // writes many rows: larger pages hold more of them, and the log gets fewer, larger
    // frames (1,024-byte pages, chosen when every turn had its own commit, measured 13%
    // slower under load; docs/benchmarks.md). Only takes effect on a new, empty database.
    db.exec("PRAGMA page_size = 4096");
    if (db.execAndGet("PRAGMA journal_mode = WAL").getString() != "wal") {
        return tl::make_unexpected(StoreError{"database cannot use write-ahead logging"});
    }
    db.exec("PRAGMA synchronous = NORMAL");
    // Reads through a memory map instead of a read() per page.
    db.exec("PRAGMA mmap_size = 268435456");
    // Erased sessions are health data: overwrite freed content instead of leaving it on disk.
    db.exec("PRAGMA secure_delete = ON");
    // The copies of changed pages that savepoints and statements keep to undo themselves
    // (update_all's after a failed write) would go to a temporary file past 64 KiB: keep
    // them in memory. (SQLite's other temporary tables and indexes too: a migration's sort
    // of a large database uses memory.)
    db.exec("PRAGMA temp_store = MEMORY");
    return migrate(db);
}

/// Process-wide settings, before SQLite's first use in the process (later, sqlite3_config()
/// refuses and changes nothing, which is harmless). Memory statistics off: nothing here
/// reads them (no sqlite3_memory_used(), no heap limit), and keeping them took a global
/// mutex around each of SQLite's allocations, about 22 a turn.
void configure_sqlite_once() { [[maybe_unused]] static const int done = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

/// Empty when `path` may be opened, else why not. Creates missing parent directories.
/// Messages leave the path out: callers say which store they were opening.
std::string check_path(const std::string& path) {
    namespace fs = std::filesystem;
    if (path.empty()) return "the path is empty";
    std::error_code error;
    const fs::path file(path);
    if (fs::is_directory(file, error)) return "it is a directory";
    if (const auto parent = file.parent_path(); !parent.empty()) {
        fs::create_directories(parent, error);
        if (error) return "cannot create its directory: " + error.message();
    }
    return {};
}

}  // namespace

int SqliteSessionStore::schema_version() noexcept { return static_cast<int>(migrations.size()); }

tl::expected<std::unique_ptr<SqliteSessionStore>, StoreError> SqliteSessionStore::open(const std::string& path,
                                                                                       SqliteCheckpointPolicy policy) {
    if (auto problem = check_path(path); !problem.empty()) return tl::make_unexpected(StoreError{problem});
    configure_sqlite_once();
    std::error_code fs_error;
    const bool created = !std::filesystem::exists(path, fs_error);
    try {
        SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX, busy_timeout_ms,
                            sqlite_wal_vfs::name());
        if (created) {
            // Health data: readable by the owner only. SQLite gives the -wal and -shm files
            // the same permissions as the database file.
            std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                         fs_error);
        }
        if (auto prepared = prepare_database(db); !prepared) return tl::make_unexpected(prepared.error());
        return std::unique_ptr<SqliteSessionStore>(new SqliteSessionStore(std::move(db), path, policy));
    } catch (const SQLite::Exception& error) {
        return tl::make_unexpected(to_store_error(error));
    }
}

SqliteSessionStore::SqliteSessionStore(SQLite::Database database, const std::string& path,
                                       SqliteCheckpointPolicy policy)
    : db_(std::move(database)),
      begin_(db_, "BEGIN IMMEDIATE"),
      commit_(db_, "COMMIT"),
      rollback_(db_, "ROLLBACK"),
      savepoint_(db_, "SAVEPOINT turn"),
      release_(db_, "RELEASE turn"),
      rollback_to_(db_, "ROLLBACK TO turn"),
      select_(db_, select_sql),
      upsert_(db_, upsert_sql),
      upsert_same_since_(db_, upsert_same_since_sql),
      update_(db_, update_sql),
      update_same_since_(db_, update_same_since_sql),
      insert_line_(db_, insert_line_sql),
      insert_measure_(db_, insert_measure_sql),
      data_version_(db_, "PRAGMA data_version"),
      policy_(policy),
      checkpointer_(std::make_unique<WalCheckpointer>(path, busy_timeout_ms)) {
    // Replaces SQLite's automatic checkpoint (itself a WAL hook).
    sqlite3_wal_hook(db_.getHandle(), &SqliteSessionStore::on_commit, this);
    erase_.reserve(erase_sql.size());
    for (const char* sql : erase_sql) erase_.emplace_back(db_, sql);
    // Other components' per-person tables in the same file (the Matrix bot's, created
    // before the engine opens it) are erased with the person too: every table with a
    // user_id column.
    SQLite::Statement tables(db_,
                             "SELECT m.name FROM sqlite_master m WHERE m.type = 'table' AND m.name NOT IN"
                             " ('sessions', 'transcript_turns', 'measures') AND EXISTS (SELECT 1 FROM"
                             " pragma_table_info(m.name) c WHERE c.name = 'user_id')");
    while (tables.executeStep()) {
        const std::string name = tables.getColumn(0).getString();
        if (name.find('"') == std::string::npos)
            erase_.emplace_back(db_, "DELETE FROM \"" + name + "\" WHERE user_id = ?");
    }
}

SqliteSessionStore::~SqliteSessionStore() {
    sqlite3_wal_hook(db_.getHandle(), nullptr, nullptr);
    checkpointer_.reset();  // its connection closes first: the last one to close folds the log in
    try {
        db_.exec("PRAGMA optimize");  // cheap upkeep SQLite recommends before closing
    } catch (...) {
        // Never throw from a destructor; the statistics are only an optimisation.
    }
}

int SqliteSessionStore::on_commit(void* store, sqlite3* db, const char* name, int frames) {
    // Runs on the committing thread, under the store's mutex (every commit is under it).
    auto& self = *static_cast<SqliteSessionStore*>(store);
    if (frames < self.frames_at_request_) self.frames_at_request_ = 0;  // the log restarted
    if (frames >= self.policy_.ceiling) {
        const auto paused = self.checkpointer_->pause();
        (void)sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
        self.frames_at_request_ = 0;
    } else if (frames - self.frames_at_request_ >= self.policy_.background_every) {
        self.checkpointer_->request();
        self.frames_at_request_ = frames;
    }
    return SQLITE_OK;
}

std::uint64_t SqliteSessionStore::background_checkpoints() { return checkpointer_->runs(); }

tl::expected<std::optional<SqliteSessionStore::Stored>, StoreError> SqliteSessionStore::read_row(
    const std::string& user) {
    select_.tryReset();
    const ResetOnExit reset(select_);
    select_.bind(1, user);
    if (!select_.executeStep()) return std::optional<Stored>{};
    auto state = deserialize(user, select_.getColumn(0).getString());
    if (!state) return tl::make_unexpected(StoreError{"stored session cannot be read: " + state.error()});
    Stored stored;
    stored.state = std::move(*state);
    stored.rowid = select_.getColumn(3).getInt64();
    const auto column = select_.getColumn(1);
    if (auto pending = transcript_buffer::from_row(column.getText()); pending) {
        stored.pending = std::move(*pending);
    } else {
        stored.unreadable = column.getString();
        stored.unreadable_since = select_.getColumn(2).getInt64();
    }
    return std::optional<Stored>{std::move(stored)};
}

void SqliteSessionStore::check_cache() {
    data_version_.tryReset();
    const ResetOnExit reset(data_version_);
    if (data_version_.executeStep()) {
        const std::int64_t version = data_version_.getColumn(0).getInt64();
        if (version != seen_data_version_) cache_.clear();
        seen_data_version_ = version;
    }
}

tl::expected<std::optional<SqliteSessionStore::Stored>, StoreError> SqliteSessionStore::take_cached(
    const std::string& user) {
    if (auto node = cache_.extract(user)) return std::optional<Stored>{std::move(node.mapped())};
    return read_row(user);
}

SqliteSessionStore::Computed SqliteSessionStore::compute(const std::string& user, const Turn& turn) {
    auto row = take_cached(user);
    if (!row) throw StoreFailure{std::move(row.error())};
    const bool is_new = !row->has_value();
    Computed computed{is_new ? Stored{} : std::move(**row), {}, {}};
    computed.stored.state.user = user;
    turn(computed.stored.state, is_new, computed.writes);
    // What the turn's writes do to the lines waiting in the row, decided here so that a
    // batch replaying this turn's writes (update_all) writes exactly the same.
    auto& stored = computed.stored;
    const bool was_empty = stored.pending.empty();
    const std::int64_t was_since = stored.pending.since;
    const bool had_unreadable = !stored.unreadable.empty();
    if (computed.writes.erase_transcript) {
        stored.pending = {};
        stored.unreadable.clear();
    }
    if (!stored.unreadable.empty()) {
        computed.rows.push_back(transcript_buffer::Row{std::move(stored.unreadable), stored.unreadable_since});
        stored.unreadable.clear();
    }
    auto rows = transcript_buffer::add(stored.pending, computed.writes.transcript);
    computed.rows.insert(computed.rows.end(), std::make_move_iterator(rows.begin()),
                         std::make_move_iterator(rows.end()));
    computed.same_since =
        !is_new && !had_unreadable && was_empty == stored.pending.empty() && was_since == stored.pending.since;
    return computed;
}

void SqliteSessionStore::write(const std::string& user, Computed& computed) {
    if (computed.writes.forget) {
        cache_.erase(user);
        erase_rows(user);
        return;
    }
    write_transcript(user, computed);
    auto& stored = computed.stored;
    const std::string state = serialize(stored.state);
    const std::int64_t now = unix_seconds();
    const auto bind_row = [&](SQLite::Statement& statement) {
        statement.bind(1, user);
        statement.bind(2, SessionState::version);
        statement.bindNoCopy(3, state);
        statement.bind(4, now);
        bind_pending(statement, 5, stored.pending);
    };
    if (stored.rowid != 0) {
        auto& update = computed.same_since ? update_same_since_ : update_;
        update.tryReset();
        const ResetOnExit reset(update);
        bind_row(update);
        update.bind(7, stored.rowid);
        if (update.exec() == 1) return;
    }
    auto& upsert = computed.same_since ? upsert_same_since_ : upsert_;
    upsert.tryReset();
    const ResetOnExit reset(upsert);
    bind_row(upsert);
    if (!upsert.executeStep()) throw SQLite::Exception("the session row's upsert returned no rowid", SQLITE_ERROR);
    stored.rowid = upsert.getColumn(0).getInt64();
}

void SqliteSessionStore::committed(const std::string& user, Computed& computed) {
    if (computed.writes.forget) {
        cache_.erase(user);
    } else {
        remember(user, std::move(computed.stored));
    }
}

void SqliteSessionStore::remember(const std::string& user, Stored stored) {
    if (cache_.size() >= max_cached_sessions) cache_.clear();
    cache_.insert_or_assign(user, std::move(stored));
}

tl::expected<void, StoreError> SqliteSessionStore::update(const std::string& user, const Turn& turn) {
    const std::lock_guard lock(mutex_);
    std::optional<ImmediateTransaction> transaction;
    try {
        transaction.emplace(begin_, commit_, rollback_);
        check_cache();
    } catch (const SQLite::Exception& error) {
        return tl::make_unexpected(to_store_error(error));
    }
    Computed computed;
    try {
        // Whatever `turn` throws propagates, and `transaction` rolls back.
        computed = compute(user, turn);
        write(user, computed);
        transaction->commit();
    } catch (const StoreFailure& failure) {
        return tl::make_unexpected(failure.error);
    } catch (const SQLite::Exception& error) {
        cache_.erase(user);
        return tl::make_unexpected(to_store_error(error));
    }
    if (computed.erased()) truncate_log();
    committed(user, computed);
    return {};
}

// A savepoint would let a failing turn be undone alone, but it costs every batch a copy
// of each page it changes (one around each turn cost 11% of the batch's instructions
// under load; one around the batch still about 2 µs a changed page, docs/benchmarks.md).
// So a batch runs under none, and only a failure pays:
// - A turn that throws, or whose session cannot be read, has written nothing: it fails
//   alone, and the batch goes on — unless the error ended SQLite's transaction (an I/O
//   error, memory): then the whole batch fails, as nothing of it can be committed.
// - A turn whose writes fail part-way may have left some of them: the transaction is
//   rolled back and begun again, the computed writes of the turns before it carried out
//   again, and from then on each turn's writes are under a savepoint of their own. Those
//   turns were computed on what the first transaction read: should another connection
//   have written in between (PRAGMA data_version), the whole batch fails instead.
std::vector<tl::expected<void, StoreError>> SqliteSessionStore::update_all(std::span<const UserTurn> turns) {
    const std::lock_guard lock(mutex_);
    std::vector<tl::expected<void, StoreError>> results(turns.size());
    // Each turn's session and writes, until the commit (none once the turn failed).
    std::vector<std::optional<Computed>> computed(turns.size());
    const auto fail = [&](std::size_t i, StoreError error) {
        results[i] = tl::make_unexpected(std::move(error));
        computed[i].reset();
        cache_.erase(*turns[i].user);
    };
    // Carries out turn i's writes under a savepoint of their own: undone alone if they fail.
    const auto write_alone = [&](std::size_t i) {
        run(savepoint_);
        try {
            write(*turns[i].user, *computed[i]);
            run(release_);
            return;
        } catch (const std::exception& error) {
            fail(i, StoreError{error.what()});
        }
        run(rollback_to_);
        run(release_);
    };
    // Some errors (I/O, memory) make SQLite roll back the whole transaction: the statements
    // after them would each commit on their own.
    const auto still_in_transaction = [this] {
        if (sqlite3_get_autocommit(db_.getHandle()) != 0) {
            throw SQLite::Exception("the batch's transaction was rolled back", SQLITE_ABORT);
        }
    };
    std::optional<ImmediateTransaction> transaction;
    // Undoes the batch's writes: rolls its transaction back and begins another.
    const auto begin_again = [&] {
        const std::int64_t seen = seen_data_version_;
        transaction.reset();  // ROLLBACK (nothing to do when SQLite has rolled back already)
        if (before_begin_again_) before_begin_again_();
        transaction.emplace(begin_, commit_, rollback_);
        check_cache();
        if (seen_data_version_ != seen) {
            // Another connection wrote, or SQLite read the file afresh after an error.
            throw SQLite::Exception("the database changed while the batch's failed writes were undone", SQLITE_ABORT);
        }
    };
    try {
        transaction.emplace(begin_, commit_, rollback_);
        check_cache();         // nobody else can write while the batch holds the write lock (begin_again looks again)
        bool guarded = false;  // a write failed: each turn's writes under a savepoint
        for (std::size_t i = 0; i < turns.size(); ++i) {
            const std::string& user = *turns[i].user;
            try {
                computed[i] = compute(user, *turns[i].turn);
            } catch (const StoreFailure& failure) {
                fail(i, failure.error);
                still_in_transaction();
                continue;
            } catch (const std::exception& error) {
                fail(i, StoreError{error.what()});
                still_in_transaction();
                continue;
            }
            if (guarded) {
                write_alone(i);
                continue;
            }
            try {
                write(user, *computed[i]);
            } catch (const std::exception& error) {
                fail(i, StoreError{error.what()});
                // Again, without the failed turn; should the same writes fail twice (the
                // disk, not the turn), the batch fails as a whole.
                begin_again();
                for (std::size_t j = 0; j < i; ++j) {
                    if (computed[j]) write(*turns[j].user, *computed[j]);
                }
                guarded = true;
            }
        }
        transaction->commit();
    } catch (const std::exception& error) {
        for (const auto& [user, turn] : turns) cache_.erase(*user);
        return std::vector<tl::expected<void, StoreError>>(turns.size(), tl::make_unexpected(StoreError{error.what()}));
    }
    // In order: a later turn of the same person (a forget-me among them) has the last word.
    bool erased = false;  // someone was forgotten or withdrew consent: truncate the log
    for (std::size_t i = 0; i < turns.size(); ++i) {
        if (!computed[i]) continue;
        erased = erased || computed[i]->erased();
        committed(*turns[i].user, *computed[i]);
    }
    if (erased) truncate_log();
    return results;
}

void SqliteSessionStore::set_before_begin_again(std::function<void()> hook) {
    const std::lock_guard lock(mutex_);
    before_begin_again_ = std::move(hook);
}

void SqliteSessionStore::write_transcript(const std::string& user, const Computed& computed) {
    const TurnWrites& writes = computed.writes;
    if (writes.erase_transcript) {
        auto& erase = erase_[erase_transcript_index];
        erase.tryReset();
        bind_user(erase, user);
        run(erase);
    }
    for (const auto& measure : writes.measures) {
        insert_measure_.tryReset();
        insert_measure_.bind(1, user);
        insert_measure_.bind(2, measure.at);
        insert_measure_.bind(3, measure.name);
        insert_measure_.bind(4, measure.value);
        run(insert_measure_);
    }
    for (const auto& row : computed.rows) {
        insert_line_.tryReset();
        insert_line_.bind(1, user);
        insert_line_.bind(2, user_key(user));
        insert_line_.bind(3, row.at);
        insert_line_.bindNoCopy(4, row.lines);
        run(insert_line_);
    }
}

int SqliteSessionStore::erase_rows(const std::string& user) {
    int erased = 0;
    for (std::size_t i = 0; i < erase_.size(); ++i) {
        erase_[i].tryReset();
        bind_user(erase_[i], user);
        const int removed = run(erase_[i]);
        if (i == 0) erased = removed;
    }
    return erased;
}

void SqliteSessionStore::truncate_log() noexcept {
    try {
        // Old copies of erased rows live on in the write-ahead log until a checkpoint; fold
        // it back and truncate it now. Best effort: the erase itself is already committed.
        // A background checkpoint in progress would make it fail as busy: wait for it.
        const auto paused = checkpointer_->pause();
        db_.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    } catch (const SQLite::Exception&) {
    }
}

tl::expected<std::optional<SessionState>, StoreError> SqliteSessionStore::load(const std::string& user) {
    const std::lock_guard lock(mutex_);
    try {
        auto row = read_row(user);
        if (!row) return tl::make_unexpected(std::move(row.error()));
        if (!*row) return std::optional<SessionState>{};
        return std::optional<SessionState>{std::move((*row)->state)};
    } catch (const SQLite::Exception& error) {
        return tl::make_unexpected(to_store_error(error));
    }
}

tl::expected<int, StoreError> SqliteSessionStore::erase(const std::string& user) {
    return erase_all(std::span<const std::string>(&user, 1));
}

tl::expected<int, StoreError> SqliteSessionStore::erase_all(std::span<const std::string> users) {
    if (users.empty()) return 0;
    const std::lock_guard lock(mutex_);
    for (const auto& user : users) cache_.erase(user);
    int erased = 0;
    try {
        ImmediateTransaction transaction(begin_, commit_, rollback_);
        for (const auto& user : users) erased += erase_rows(user);
        transaction.commit();
    } catch (const SQLite::Exception& error) {
        return tl::make_unexpected(to_store_error(error));
    }
    truncate_log();
    return erased;
}

tl::expected<StoredData, StoreError> SqliteSessionStore::export_data(const std::string& user) {
    const std::lock_guard lock(mutex_);
    try {
        SQLite::Transaction transaction(db_);  // one snapshot for the session and its lines
        StoredData data;
        auto session = read_row(user);
        if (!session) return tl::make_unexpected(std::move(session.error()));
        SQLite::Statement lines(db_, select_lines_sql);
        bind_user(lines, user);
        const auto decode = [&data](std::string_view column) -> tl::expected<void, StoreError> {
            if (auto decoded = transcript_rows::decode(column, data.transcript); !decoded) {
                return tl::make_unexpected(StoreError{"stored transcript cannot be read: " + decoded.error()});
            }
            return {};
        };
        while (lines.executeStep()) {
            if (auto decoded = decode(lines.getColumn(0).getText()); !decoded)
                return tl::make_unexpected(decoded.error());
        }
        if (*session) {
            // The newest lines, still waiting in the session row (or what is left of them).
            for (const std::string* column : {&(*session)->unreadable, &(*session)->pending.lines}) {
                if (column->empty()) continue;
                if (auto decoded = decode(*column); !decoded) return tl::make_unexpected(decoded.error());
            }
            data.session = std::move((*session)->state);
        }
        SQLite::Statement measures(db_, select_measures_sql);
        measures.bind(1, user);
        while (measures.executeStep()) {
            data.measures.push_back(Measure{measures.getColumn(0).getInt64(), measures.getColumn(1).getString(),
                                            measures.getColumn(2).getString()});
        }
        transaction.commit();
        return data;
    } catch (const SQLite::Exception& error) {
        return tl::make_unexpected(to_store_error(error));
    }
}

tl::expected<std::int64_t, StoreError> SqliteSessionStore::purge_transcripts(std::int64_t before) {
    const std::lock_guard lock(mutex_);
    std::int64_t purged = 0;
    try {
        ImmediateTransaction transaction(begin_, commit_, rollback_);
        // Lines, not rows, as the interface counts them.
        SQLite::Statement count(db_, count_purged_sql);
        count.bind(1, before);
        purged = count.executeStep() ? count.getColumn(0).getInt64() : 0;
        SQLite::Statement purge(db_, purge_sql);
        purge.bind(1, before);
        purge.exec();
        // Lines still waiting in session rows, one by one.
        std::vector<std::pair<std::string, transcript_buffer::Pending>> kept;
        SQLite::Statement old(db_, old_pending_sql);
        old.bind(1, before);
        while (old.executeStep()) {
            auto pending = transcript_buffer::from_row(old.getColumn(1).getText());
            if (pending) {
                purged += static_cast<std::int64_t>(transcript_buffer::drop_before(*pending, before));
            } else {
                pending = transcript_buffer::Pending{};  // unreadable: nothing old may stay
                ++purged;                                // (counted as one line: the log is truncated)
            }
            kept.emplace_back(old.getColumn(0).getString(), std::move(*pending));
        }
        old.reset();
        SQLite::Statement set(db_, set_pending_sql);
        for (const auto& [user, pending] : kept) {
            set.reset();
            bind_pending(set, 1, pending);
            set.bind(3, user);
            set.exec();
            cache_.erase(user);
        }
        transaction.commit();
    } catch (const SQLite::Exception& error) {
        return tl::make_unexpected(to_store_error(error));
    }
    if (purged > 0) truncate_log();
    return purged;
}

}  // namespace reframe
