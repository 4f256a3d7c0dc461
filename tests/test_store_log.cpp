// The file store's write-ahead log (checkpoints off the committing thread, bounded by a
// ceiling), schema 4 (transcript lines found by their owner's key), schema 5 (a turn's
// lines in one row) and schema 6 (the newest lines waiting in the session row).
#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "reframe/session_store.hpp"
#include "sqlite_session_store.hpp"
#include "temp_dir.hpp"

using namespace reframe;
using reframe::testing::size_or_zero;
using reframe::testing::TempDir;
namespace fs = std::filesystem;

namespace {

std::unique_ptr<SqliteSessionStore> open_file(const fs::path& path, SqliteCheckpointPolicy policy) {
    auto store = SqliteSessionStore::open(path.string(), policy);
    if (!store) FAIL("open failed: " << store.error().message);
    return std::move(*store);
}

/// A turn that writes a transcript line as long as a page, so that each commit adds frames.
SessionStore::Turn long_line_turn(std::int64_t at) {
    return [at](SessionState& state, bool, TurnWrites& writes) {
        ++state.turns;
        writes.transcript.push_back(TranscriptLine{at, state.turns, "person", std::string(4'000, 'x')});
    };
}

fs::path wal_of(const fs::path& db) { return fs::path(db.string() + "-wal"); }

}  // namespace

TEST_CASE("at its ceiling the write-ahead log is checkpointed by the committing connection", "[store]") {
    TempDir dir;
    const auto capped = dir.file("capped.db"), uncapped = dir.file("uncapped.db");
    // The background checkpointer is never asked: only the ceiling can fold the log in.
    auto with_ceiling = open_file(capped, {.background_every = 1'000'000, .ceiling = 16});
    auto without = open_file(uncapped, {.background_every = 1'000'000, .ceiling = 1'000'000});
    for (int i = 0; i < 100; ++i) {
        REQUIRE(with_ceiling->update("ana", long_line_turn(i)));
        REQUIRE(without->update("ana", long_line_turn(i)));
    }
    // Each commit adds at least two 4 KiB frames (the line's page and the session's). A
    // checkpointed log restarts from its beginning, so its file stops growing.
    const auto frame = 4'096 + 24;
    CAPTURE(size_or_zero(wal_of(capped)), size_or_zero(wal_of(uncapped)));
    CHECK(size_or_zero(wal_of(uncapped)) > 200 * frame);
    CHECK(size_or_zero(wal_of(capped)) < 40 * frame);
    CHECK(with_ceiling->background_checkpoints() == 0);
    auto data = with_ceiling->export_data("ana");
    REQUIRE(data);
    CHECK(data->transcript.size() == 100);
}

TEST_CASE("the background checkpointer folds the log into the database file while the store is open", "[store]") {
    TempDir dir;
    const auto path = dir.file("sessions.db");
    auto store = open_file(path, {.background_every = 4, .ceiling = 1'000'000});
    const auto file_before = size_or_zero(path);
    for (int i = 0; i < 50; ++i) REQUIRE(store->update("ana", long_line_turn(i)));
    // In WAL mode only a checkpoint writes the database file itself; the store is still
    // open, so nothing else has run one. Bounded wait: the thread runs on its own time.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    // Checkpoints run while the commits go on, each copying what was there when it began;
    // wait for the one that copies (nearly) everything: the last request comes at most
    // four frames before the last commit.
    const auto folded = file_before + 40 * 4'096;
    while ((size_or_zero(path) <= folded || store->background_checkpoints() == 0) &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    CHECK(store->background_checkpoints() > 0);
    CAPTURE(file_before, size_or_zero(path));
    CHECK(size_or_zero(path) > folded);
    // And nothing was lost on the way.
    auto data = store->export_data("ana");
    REQUIRE(data);
    REQUIRE(data->session);
    CHECK(data->session->turns == 50);
    CHECK(data->transcript.size() == 50);
}

TEST_CASE("erasing someone truncates the log even while the background checkpointer is busy", "[store][privacy]") {
    TempDir dir;
    const auto path = dir.file("sessions.db");
    auto store = open_file(path, {.background_every = 1, .ceiling = 1'000'000});
    for (int round = 0; round < 20; ++round) {
        REQUIRE(store->update("ana", long_line_turn(round)));
        REQUIRE(store->update("ben", long_line_turn(round)));
        REQUIRE(store->erase("ana"));
        CHECK(size_or_zero(wal_of(path)) == 0);
    }
    auto ben = store->export_data("ben");
    REQUIRE(ben);
    CHECK(ben->transcript.size() == 20);
}

namespace {

/// A database at schema 3 as it shipped: transcript lines one a row, indexed by their
/// owner's id as text.
void write_schema_3(const fs::path& path) {
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec(
        "CREATE TABLE sessions (user_id TEXT PRIMARY KEY, version INTEGER NOT NULL,"
        " state TEXT NOT NULL, updated_at INTEGER NOT NULL)");
    db.exec(
        "CREATE TABLE transcripts (id INTEGER PRIMARY KEY, user_id TEXT NOT NULL, at INTEGER NOT NULL,"
        " turn INTEGER NOT NULL, speaker TEXT NOT NULL, text TEXT NOT NULL);"
        " CREATE INDEX transcripts_by_user ON transcripts (user_id, id);"
        " CREATE INDEX transcripts_by_time ON transcripts (at)");
    db.exec(
        "CREATE TABLE measures (id INTEGER PRIMARY KEY, user_id TEXT NOT NULL, at INTEGER NOT NULL,"
        " name TEXT NOT NULL, value TEXT NOT NULL);"
        " CREATE INDEX measures_by_user ON measures (user_id, id)");
    // Two turns of ana's (the second of two lines) around one of ben's; a quote and a
    // newline in a text. Then a greeting for ana weeks later: its line carries the number
    // of the turn before it.
    db.exec(
        "INSERT INTO transcripts (user_id, at, turn, speaker, text) VALUES"
        " ('web:ana', 10, 1, 'person', 'first'), ('web:ben', 11, 1, 'person', 'ben\"s'),"
        " ('web:ana', 12, 2, 'person', 'second'), ('web:ana', 12, 2, 'bot', 'a reply' || char(10) || 'in two lines'),"
        " ('web:ana', 3000000, 2, 'bot', 'welcome back')");
    db.exec("PRAGMA user_version = 3");
}

}  // namespace

TEST_CASE("a schema 3 database keeps its transcript lines through migrations 4, 5 and 6", "[store][privacy]") {
    TempDir dir;
    const auto path = dir.file("v3.db");
    write_schema_3(path);
    auto store = open_file(path, {});
    auto ana = store->export_data("web:ana");
    REQUIRE(ana);
    const std::vector<TranscriptLine> expected{{10, 1, "person", "first"},
                                               {12, 2, "person", "second"},
                                               {12, 2, "bot", "a reply\nin two lines"},
                                               {3'000'000, 2, "bot", "welcome back"}};
    CHECK(ana->transcript == expected);
    REQUIRE(store->erase("web:ana"));
    // A line written now is keyed in C++, the migrated one was keyed in SQL: the export
    // finds both only if the two keys agree.
    REQUIRE(store->update("web:ben", [](SessionState& state, bool, TurnWrites& writes) {
        state.turns = 2;
        writes.transcript.push_back(TranscriptLine{20, 2, "person", "new"});
    }));
    auto ben = store->export_data("web:ben");
    REQUIRE(ben);
    CHECK(ben->transcript == std::vector<TranscriptLine>{{11, 1, "person", "ben\"s"}, {20, 2, "person", "new"}});
    store.reset();

    SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("PRAGMA user_version").getInt() == SqliteSessionStore::schema_version());
    CHECK_FALSE(db.tableExists("transcripts"));
    // ben's migrated turn is a row; his new line waits in his session row (schema 6).
    CHECK(db.execAndGet("SELECT count(*) FROM transcript_turns").getInt() == 1);
    CHECK(db.execAndGet("SELECT json_array_length(pending) FROM sessions WHERE user_id = 'web:ben'").getInt() == 1);
    CHECK(db.execAndGet("SELECT pending_since FROM sessions WHERE user_id = 'web:ben'").getInt64() == 20);
    CHECK(db.execAndGet("SELECT count(*) FROM transcript_turns WHERE user_id = 'web:ana'").getInt() == 0);
    CHECK(db.execAndGet("SELECT count(*) FROM sqlite_master WHERE name = 'transcript_turns_by_owner'").getInt() == 1);
    CHECK(db.execAndGet("SELECT count(*) FROM sqlite_master WHERE name = 'transcript_turns_by_time'").getInt() == 1);
    CHECK(db.execAndGet("SELECT count(*) FROM sqlite_master WHERE name = 'sessions_pending'").getInt() == 1);
}

TEST_CASE("migration 5 puts each turn's lines in one row, in their order", "[store]") {
    TempDir dir;
    const auto path = dir.file("v3.db");
    write_schema_3(path);
    auto store = open_file(path, {});
    store.reset();
    SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
    SQLite::Statement rows(db, "SELECT user_id, at, json_array_length(lines) FROM transcript_turns ORDER BY id");
    std::vector<std::tuple<std::string, std::int64_t, int>> got;
    while (rows.executeStep()) {
        got.emplace_back(rows.getColumn(0).getString(), rows.getColumn(1).getInt64(), rows.getColumn(2).getInt());
    }
    // The greeting weeks later is a row of its own: it never keeps the turn before it past
    // the retention time.
    CHECK(got == std::vector<std::tuple<std::string, std::int64_t, int>>{
                     {"web:ana", 10, 1}, {"web:ben", 11, 1}, {"web:ana", 12, 2}, {"web:ana", 3'000'000, 1}});
}

TEST_CASE("a transcript row that cannot be read is an error, not a silent gap", "[store][privacy]") {
    TempDir dir;
    const auto path = dir.file("sessions.db");
    auto store = open_file(path, {});
    REQUIRE(store->update("ana", long_line_turn(1)));
    {
        SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
        db.exec("UPDATE transcript_turns SET lines = '[[1, 1, \"person\"]]'");
    }
    auto data = store->export_data("ana");
    REQUIRE_FALSE(data);
    CHECK_THAT(data.error().message, Catch::Contains("transcript cannot be read"));
}

TEST_CASE("withdrawing consent truncates the log, as forgetting someone does", "[store][privacy]") {
    TempDir dir;
    const auto path = dir.file("sessions.db");
    auto store = open_file(path, {});
    const std::string ana = "ana", ben = "ben";
    const SessionStore::Turn withdraw = [](SessionState& state, bool, TurnWrites& writes) {
        ++state.turns;
        writes.erase_transcript = true;
    };
    SECTION("one turn at a time") {
        REQUIRE(store->update(ana, long_line_turn(1)));
        REQUIRE(size_or_zero(wal_of(path)) > 0);
        REQUIRE(store->update(ana, withdraw));
    }
    SECTION("in a batch") {
        const auto line = long_line_turn(1);
        const std::vector<SessionStore::UserTurn> turns{{&ana, &line}, {&ben, &line}, {&ana, &withdraw}};
        for (const auto& result : store->update_all(turns)) REQUIRE(result);
    }
    // The withdrawn lines' old pages are no longer in the log.
    CHECK(size_or_zero(wal_of(path)) == 0);
    auto data = store->export_data(ana);
    REQUIRE(data);
    CHECK(data->transcript.empty());
}
