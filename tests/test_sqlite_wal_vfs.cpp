// The VFS that writes a transaction's log frames in blocks (engine/src/sqlite_wal_vfs.cpp):
// what other connections and a crash can see must be what SQLite alone would leave.
#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>

#include <csignal>
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>

#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sqlite_wal_vfs.hpp"
#include "temp_dir.hpp"

using reframe::testing::TempDir;
namespace vfs = reframe::sqlite_wal_vfs;

namespace {

const int flags = SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX;

/// A connection as the store makes one: through the VFS, WAL, synchronous=NORMAL, no
/// automatic checkpoint (the store's own checkpointer is left out here).
SQLite::Database open_joined(const std::filesystem::path& path) {
    SQLite::Database db(path.string(), flags, 5'000, vfs::name());
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
    db.exec("PRAGMA wal_autocheckpoint = 0");
    return db;
}

/// A connection through SQLite's default VFS.
SQLite::Database open_plain(const std::filesystem::path& path) {
    SQLite::Database db(path.string(), flags, 5'000);
    db.exec("PRAGMA journal_mode = WAL");
    return db;
}

/// 1,000 bytes that differ with both numbers.
std::string body(int round, int row) {
    std::string text(1'000, ' ');
    std::uint32_t x =
        static_cast<std::uint32_t>(round) * 2'654'435'761u + static_cast<std::uint32_t>(row) * 40'503u + 1;
    for (char& c : text) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        c = static_cast<char>('a' + x % 26);
    }
    return text;
}

/// Inserts `rows` rows of round `round`, their bodies those of `body_round`.
void insert_rows(SQLite::Database& db, int round, int rows, int body_round) {
    SQLite::Statement insert(db, "INSERT INTO t (round, row, body) VALUES (?, ?, ?)");
    for (int row = 0; row < rows; ++row) {
        insert.bind(1, round);
        insert.bind(2, row);
        insert.bind(3, body(body_round, row));
        insert.exec();
        insert.reset();
    }
}

/// Inserts `rows` rows of round `round` in one transaction.
void insert_round(SQLite::Database& db, int round, int rows) {
    SQLite::Transaction transaction(db);
    insert_rows(db, round, rows, round);
    transaction.commit();
}

/// Gives the first `rows` rows of `round` the bodies of `body_round`.
void update_rows(SQLite::Database& db, int round, int rows, int body_round) {
    SQLite::Statement update(db, "UPDATE t SET body = ? WHERE round = ? AND row = ?");
    for (int row = 0; row < rows; ++row) {
        update.bind(1, body(body_round, row));
        update.bind(2, round);
        update.bind(3, row);
        update.exec();
        update.reset();
    }
}

/// Every row of `round` as written: `rows` of them, each with its own body.
void check_round(SQLite::Database& db, int round, int rows) {
    SQLite::Statement select(db, "SELECT row, body FROM t WHERE round = ? ORDER BY row");
    select.bind(1, round);
    int seen = 0;
    while (select.executeStep()) {
        const int row = select.getColumn(0).getInt();
        REQUIRE(row == seen);
        REQUIRE(select.getColumn(1).getString() == body(round, row));
        ++seen;
    }
    REQUIRE(seen == rows);
}

std::string integrity(SQLite::Database& db) { return db.execAndGet("PRAGMA integrity_check").getString(); }

void create_table(SQLite::Database& db) {
    db.exec(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, round INTEGER NOT NULL, row INTEGER NOT NULL, body TEXT NOT NULL)");
    db.exec("CREATE INDEX t_round ON t (round, row)");
}

/// A database file with the test table, made through the VFS.
void create_database(const std::filesystem::path& path) {
    auto db = open_joined(path);
    create_table(db);
}

/// A writer in a child process: `writer(fd)` reports on the pipe's write end and must end
/// with _exit (it never returns to the test runner). Returns the child and the read end.
template <class Writer>
std::pair<pid_t, int> start_writer(Writer writer) {
    int report[2];
    REQUIRE(pipe(report) == 0);
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        close(report[0]);
        writer(report[1]);
        _exit(3);
    }
    close(report[1]);
    return {child, report[0]};
}

}  // namespace

TEST_CASE("a transaction's log frames go in a few writes, and every commit is readable at once", "[store][wal_vfs]") {
    TempDir dir;
    const auto path = dir.path() / "joined.db";
    const vfs::Counts opened = vfs::counts();
    auto writer = open_joined(path);
    create_table(writer);
    // The log was opened beside the connection's database file.
    CHECK(vfs::counts().logs_paired == opened.logs_paired + 1);
    auto reader = open_plain(path);

    const vfs::Counts before = vfs::counts();
    for (int round = 1; round <= 20; ++round) {
        insert_round(writer, round, 40);  // about 11 pages of rows and a page of index
        // Another connection, through SQLite's own VFS, reads the commit right after it.
        for (int earlier = 1; earlier <= round; ++earlier) check_round(reader, earlier, 40);
    }
    const vfs::Counts after = vfs::counts();
    const auto frames = after.frames_joined - before.frames_joined;
    const auto writes = after.log_writes - before.log_writes;
    INFO("frames joined " << frames << ", log writes " << writes);
    // SQLite alone makes two writes a frame: here a few a transaction.
    CHECK(frames >= 20 * 10);
    CHECK(writes <= 20 * 4);
    CHECK(integrity(reader) == "ok");
}

namespace {

/// A database with `first_rows` rows of round 1 (and, with `truncate_log`, nothing of it
/// left in the log). Its first connection runs `abandon` in a transaction that is rolled
/// back: with a page cache of 10 pages it spills frames to the log first, which the VFS
/// keeps waiting. Then another connection writes 400 rows of round 2 over all of the log
/// where those frames were, and the first writes 30 of round 3. Both must see a sound
/// database with every round as written, and nothing of the abandoned one.
template <class Abandon>
void roll_back_then_write_over(int first_rows, bool truncate_log, Abandon abandon) {
    TempDir dir;
    const auto path = dir.path() / "rollback.db";
    auto first = open_joined(path);
    create_table(first);
    insert_round(first, 1, first_rows);
    if (truncate_log) first.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    first.exec("PRAGMA cache_size = 10");
    {
        SQLite::Transaction abandoned(first);
        abandon(first);
        // rolled back when it goes out of scope
    }
    auto second = open_plain(path);
    insert_round(second, 2, 400);
    insert_round(first, 3, 30);
    for (auto* db : {&first, &second}) {
        CHECK(integrity(*db) == "ok");
        check_round(*db, 1, first_rows);
        check_round(*db, 2, 400);
        check_round(*db, 3, 30);
        check_round(*db, 99, 0);
    }
}

}  // namespace

TEST_CASE("a rolled-back transaction's frames never land on another connection's commit", "[store][wal_vfs]") {
    // The frames left waiting must have been written (as SQLite would have) before the
    // first connection let go of the write lock, never later.
    SECTION("inserts, of several sizes") {
        for (const int abandoned_rows : {40, 75, 110, 145, 180, 215}) {
            INFO(abandoned_rows << " rows rolled back");
            roll_back_then_write_over(10, false,
                                      [&](SQLite::Database& db) { insert_rows(db, 99, abandoned_rows, 99); });
        }
    }
    SECTION("updates only, on a log just truncated") {
        // Nothing of the database is in the log, so the rollback reads nothing back from it:
        // only the release of the write lock writes the frames still waiting.
        for (const int updated_rows : {40, 60, 100, 150}) {
            INFO(updated_rows << " rows updated and rolled back");
            roll_back_then_write_over(300, true, [&](SQLite::Database& db) { update_rows(db, 1, updated_rows, 77); });
        }
    }
}

TEST_CASE("frames rewritten within a transaction and a savepoint's undo come out as SQLite's own", "[store][wal_vfs]") {
    TempDir dir;
    const auto path = dir.path() / "rewrite.db";
    {
        auto db = open_joined(path);
        create_table(db);
        db.exec("PRAGMA cache_size = 10");
        SQLite::Transaction transaction(db);
        insert_rows(db, 1, 150, 0);
        db.exec("SAVEPOINT undone");
        insert_rows(db, 50, 150, 50);
        db.exec("ROLLBACK TO undone");
        db.exec("RELEASE undone");
        // Pages the spill already put in the log are changed again: SQLite writes those
        // frames again in place and then rewrites the checksums of the frames after them.
        update_rows(db, 1, 150, 1);
        transaction.commit();
        check_round(db, 1, 150);
        check_round(db, 50, 0);
        CHECK(integrity(db) == "ok");
    }
    // Reopened (the last connection's close folded the log into the file).
    auto db = open_plain(path);
    check_round(db, 1, 150);
    CHECK(integrity(db) == "ok");
}

TEST_CASE("a writer killed at any moment loses no commit it saw succeed", "[store][wal_vfs]") {
    for (int attempt = 0; attempt < 6; ++attempt) {
        TempDir dir;
        const auto path = dir.path() / "killed.db";
        create_database(path);
        // The writer: commits round after round, half of them with spills, and reports
        // each commit once it returned.
        const auto [child, acknowledged] = start_writer([&path](int report) {
            try {
                auto db = open_joined(path);
                for (int round = 1;; ++round) {
                    db.exec(round % 2 == 0 ? "PRAGMA cache_size = 10" : "PRAGMA cache_size = -2000");
                    insert_round(db, round, 25 + round % 40);
                    if (write(report, &round, sizeof round) != sizeof round) _exit(2);
                }
            } catch (...) {
                _exit(3);
            }
        });
        // Let it commit a while (a different moment each attempt), then kill it.
        int last = 0;
        int round = 0;
        for (int seen = 0; seen < 5 + attempt * 7; ++seen) {
            if (read(acknowledged, &round, sizeof round) != sizeof round) break;
            last = round;
        }
        kill(child, SIGKILL);
        while (read(acknowledged, &round, sizeof round) == sizeof round) last = round;
        close(acknowledged);
        int status = 0;
        REQUIRE(waitpid(child, &status, 0) == child);
        REQUIRE(WIFSIGNALED(status));
        REQUIRE(last > 0);

        // Opened afresh: SQLite recovers the log the killed process left.
        auto db = open_plain(path);
        INFO("attempt " << attempt << ", last acknowledged round " << last);
        CHECK(integrity(db) == "ok");
        const int kept = db.execAndGet("SELECT coalesce(max(round), 0) FROM t").getInt();
        CHECK(kept >= last);
        for (int r = 1; r <= kept; ++r) check_round(db, r, 25 + r % 40);
    }
}

TEST_CASE("a commit whose block cannot be written fails, and leaves every earlier commit whole", "[store][wal_vfs]") {
    // The writer runs with a file-size limit, so that the log cannot grow past it: the
    // block of the commit that crosses it is written in part and fails (EFBIG).
    for (const long limit_kib : {256L, 400L, 700L}) {
        INFO("log limited to " << limit_kib << " KiB");
        TempDir dir;
        const auto path = dir.path() / "full.db";
        create_database(path);
        // The writer: reports each round it committed, then the round whose commit failed
        // (as a negative number).
        const auto [child, report_end] = start_writer([&path, limit_kib](int report) {
            signal(SIGXFSZ, SIG_IGN);
            const rlimit limit{static_cast<rlim_t>(limit_kib) * 1024, static_cast<rlim_t>(limit_kib) * 1024};
            if (setrlimit(RLIMIT_FSIZE, &limit) != 0) _exit(4);
            int round = 1;
            try {
                auto db = open_joined(path);
                for (;; ++round) {
                    insert_round(db, round, 30);
                    if (write(report, &round, sizeof round) != sizeof round) _exit(2);
                }
            } catch (const SQLite::Exception&) {
                const int failed = -round;
                if (write(report, &failed, sizeof failed) != sizeof failed) _exit(2);
                _exit(0);
            }
        });
        int last = 0;
        int failed = 0;
        for (int value = 0; read(report_end, &value, sizeof value) == sizeof value;) {
            if (value > 0) last = value;
            if (value < 0) failed = -value;
        }
        close(report_end);
        int status = 0;
        REQUIRE(waitpid(child, &status, 0) == child);
        REQUIRE(WIFEXITED(status));
        REQUIRE(WEXITSTATUS(status) == 0);
        // The commit that crossed the limit was told it failed...
        REQUIRE(failed == last + 1);
        REQUIRE(last > 0);

        // ...and, the log recovered, every commit before it is there, whole, and it is not.
        auto db = open_plain(path);
        INFO("last commit " << last);
        CHECK(integrity(db) == "ok");
        CHECK(db.execAndGet("SELECT coalesce(max(round), 0) FROM t").getInt() == last);
        for (int r = 1; r <= last; ++r) check_round(db, r, 30);
    }
}
