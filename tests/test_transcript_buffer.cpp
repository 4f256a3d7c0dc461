// A person's newest transcript lines wait in their session row and go to transcript_turns
// a few turns at a time (engine/src/transcript_buffer.hpp): the buffer itself, and the
// SQLite store keeping, exporting, purging and refusing what waits.
#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "reframe/session_store.hpp"
#include "sqlite_session_store.hpp"
#include "stored_lines.hpp"
#include "temp_dir.hpp"
#include "transcript_buffer.hpp"
#include "transcript_rows.hpp"

namespace fs = std::filesystem;
namespace buffer = reframe::transcript_buffer;
using reframe::SessionState;
using reframe::SessionStore;
using reframe::SqliteSessionStore;
using reframe::TranscriptLine;
using reframe::TurnWrites;
using reframe::testing::TempDir;

namespace {

TranscriptLine line(std::int64_t at, std::uint64_t turn, const std::string& text) {
    return TranscriptLine{at, turn, "person", text};
}

std::vector<TranscriptLine> decoded(const std::string& column) {
    std::vector<TranscriptLine> lines;
    REQUIRE(reframe::transcript_rows::decode(column, lines));
    return lines;
}

std::unique_ptr<SqliteSessionStore> open_file(const fs::path& path) {
    auto store = SqliteSessionStore::open(path.string());
    if (!store) FAIL("open failed: " << store.error().message);
    return std::move(*store);
}

/// A turn that counts itself and records `lines`.
SessionStore::Turn recording(std::vector<TranscriptLine> lines) {
    return [lines = std::move(lines)](SessionState& state, bool, TurnWrites& writes) {
        ++state.turns;
        writes.transcript = lines;
    };
}

/// Every session row's waiting lines agree with their `pending_since`.
void check_consistent(const fs::path& path) {
    SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
    check_waiting_lines(db);
}

/// Changes the file behind the store's back (a damaged column, say).
void exec_on(const fs::path& path, const std::string& sql) {
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    db.exec(sql);
}

std::int64_t rows_of(const fs::path& path, const std::string& user) {
    SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
    SQLite::Statement count(db, "SELECT count(*) FROM transcript_turns WHERE user_id = ?");
    count.bind(1, user);
    REQUIRE(count.executeStep());
    return count.getColumn(0).getInt64();
}

}  // namespace

TEST_CASE("lines wait until they fill a row, which keeps them in order", "[store][transcript]") {
    buffer::Pending pending;
    CHECK(buffer::add(pending, {}).empty());
    CHECK(pending.empty());

    std::vector<TranscriptLine> all;
    std::vector<buffer::Row> rows;
    std::uint64_t turn = 0;
    while (rows.empty()) {
        ++turn;
        const std::vector<TranscriptLine> lines = {
            line(100 + static_cast<std::int64_t>(turn), turn, "said"),
            TranscriptLine{100 + static_cast<std::int64_t>(turn), turn, "bot", std::string(100, 'r')}};
        all.insert(all.end(), lines.begin(), lines.end());
        rows = buffer::add(pending, lines);
        if (rows.empty()) {
            CHECK(pending.since == 101);
            CHECK(decoded(pending.lines) == all);
            CHECK(pending.lines.size() < buffer::max_bytes);
        }
        REQUIRE(turn < 20);
    }
    CHECK(turn > 2);  // several turns share a row
    REQUIRE(rows.size() == 1);
    CHECK(decoded(rows[0].lines) == all);
    CHECK(rows[0].at == 101);  // its oldest line's: purged once that one is past the retention time
    CHECK(rows[0].lines.size() >= buffer::max_bytes);
    CHECK(pending.empty());
}

TEST_CASE("a row never spans more than max_span seconds", "[store][transcript]") {
    buffer::Pending pending;
    REQUIRE(buffer::add(pending, std::vector{line(1000, 1, "monday")}).empty());
    REQUIRE(buffer::add(pending, std::vector{line(1000 + buffer::max_span, 2, "an hour on")}).empty());
    // A line more than max_span after the oldest waiting one: those wait no longer.
    const auto rows = buffer::add(pending, std::vector{line(1001 + buffer::max_span, 3, "just past")});
    REQUIRE(rows.size() == 1);
    CHECK(decoded(rows[0].lines) ==
          std::vector{line(1000, 1, "monday"), line(1000 + buffer::max_span, 2, "an hour on")});
    CHECK(rows[0].at == 1000);
    CHECK(decoded(pending.lines) == std::vector{line(1001 + buffer::max_span, 3, "just past")});
    CHECK(pending.since == 1001 + buffer::max_span);

    SECTION("and a long turn after a gap writes both at once, oldest first") {
        const std::vector long_turn = {line(100'000, 4, std::string(buffer::max_bytes, 'x'))};
        const auto both = buffer::add(pending, long_turn);
        REQUIRE(both.size() == 2);
        CHECK(decoded(both[0].lines) == std::vector{line(1001 + buffer::max_span, 3, "just past")});
        CHECK(decoded(both[1].lines) == long_turn);
        CHECK(both[1].at == 100'000);
        CHECK(pending.empty());
    }
}

TEST_CASE("drop_before drops the waiting lines older than the cut-off and keeps the rest in order",
          "[store][transcript]") {
    buffer::Pending pending;
    const std::vector lines = {line(10, 1, "a"), line(30, 1, "b"), line(20, 2, "c"), line(40, 2, "d")};
    REQUIRE(buffer::add(pending, lines).empty());
    const auto untouched = pending;
    CHECK(buffer::drop_before(pending, 10) == 0);
    CHECK(pending == untouched);
    auto at_the_cut = pending;
    CHECK(buffer::drop_before(at_the_cut, 20) == 1);  // a line at the cut-off stays
    CHECK(decoded(at_the_cut.lines) == std::vector{line(30, 1, "b"), line(20, 2, "c"), line(40, 2, "d")});
    CHECK(at_the_cut.since == 20);
    CHECK(buffer::drop_before(pending, 25) == 2);
    CHECK(decoded(pending.lines) == std::vector{line(30, 1, "b"), line(40, 2, "d")});
    CHECK(pending.since == 30);
    CHECK(buffer::drop_before(pending, 41) == 2);
    CHECK(pending.empty());
    CHECK(buffer::drop_before(pending, 100) == 0);
}

TEST_CASE("a waiting column is read back with its oldest time, and a bad one is refused", "[store][transcript]") {
    CHECK(buffer::from_row("")->empty());
    CHECK(buffer::from_row("[]")->empty());
    // Written by hand, spaces and all: read back as encode() writes it, so lines append to it.
    auto read = buffer::from_row(" [ [9, 1, \"person\", \"y\"], [5, 1, \"bot\", \"x\"] ] ");
    REQUIRE(read);
    CHECK(read->since == 5);
    const std::vector<TranscriptLine> two = {line(9, 1, "y"), TranscriptLine{5, 1, "bot", "x"}};
    CHECK(read->lines == reframe::transcript_rows::encode(two));
    REQUIRE(buffer::add(*read, std::vector{line(10, 2, "z")}).empty());
    CHECK(decoded(read->lines) == std::vector{two[0], two[1], line(10, 2, "z")});
    CHECK_FALSE(buffer::from_row("[[1, 1, \"person\"]]"));
    CHECK_FALSE(buffer::from_row("not json"));
}

TEST_CASE("a line older than the waiting ones starts a row of its own", "[store][transcript]") {
    // The clock went back: the waiting lines (within the hour of each other) go first, so
    // that no row holds lines further apart than max_span.
    buffer::Pending pending;
    REQUIRE(buffer::add(pending, std::vector{line(1000, 1, "a")}).empty());
    REQUIRE(buffer::add(pending, std::vector{line(4600, 2, "b")}).empty());
    const auto rows = buffer::add(pending, std::vector{line(500, 3, "c")});
    REQUIRE(rows.size() == 1);
    CHECK(decoded(rows[0].lines) == std::vector{line(1000, 1, "a"), line(4600, 2, "b")});
    CHECK(rows[0].at == 1000);
    CHECK(pending.since == 500);
    CHECK(decoded(pending.lines) == std::vector{line(500, 3, "c")});
    // Time 0 is a time like any other.
    REQUIRE(buffer::add(pending, std::vector{line(0, 4, "d")}).size() == 1);
    CHECK(pending.since == 0);
    CHECK_FALSE(pending.empty());
}

TEST_CASE("waiting lines are kept across a restart and exported after the rows, in order", "[store][transcript]") {
    TempDir dir;
    const auto path = dir.file("sessions.db");
    std::vector<TranscriptLine> said;
    {
        auto store = open_file(path);
        for (std::uint64_t turn = 1; turn <= 2; ++turn) {
            said.push_back(line(100, turn, "turn " + std::to_string(turn)));
            REQUIRE(store->update("ana", recording({said.back()})));
        }
        CHECK(rows_of(path, "ana") == 0);  // both wait in the session row
    }
    auto store = open_file(path);  // the cache is gone: read from the row
    auto data = store->export_data("ana");
    REQUIRE(data);
    CHECK(data->transcript == said);
    // Enough to fill a row, then one more that waits.
    std::uint64_t turn = 2;
    while (rows_of(path, "ana") == 0) {
        ++turn;
        said.push_back(line(100, turn, std::string(200, 'z')));
        REQUIRE(store->update("ana", recording({said.back()})));
        REQUIRE(turn < 20);
    }
    said.push_back(line(101, turn + 1, "waiting"));
    REQUIRE(store->update("ana", recording({said.back()})));
    data = store->export_data("ana");
    REQUIRE(data);
    CHECK(data->transcript == said);
    SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
    CHECK(stored_line_count(db, "ana") == static_cast<std::int64_t>(said.size()));
    CHECK(db.execAndGet("SELECT pending_since FROM sessions WHERE user_id = 'ana'").getInt64() == 101);
    check_waiting_lines(db);
}

TEST_CASE("the purge takes old lines out of the waiting ones, and the next turn builds on what is left",
          "[store][transcript][privacy]") {
    TempDir dir;
    const auto path = dir.file("sessions.db");
    auto store = open_file(path);
    REQUIRE(store->update("ana", recording({line(100, 1, "old")})));
    REQUIRE(store->update("ana", recording({line(200, 2, "newer")})));
    REQUIRE(store->update("ben", recording({line(150, 1, "ben's")})));
    auto purged = store->purge_transcripts(160);
    REQUIRE(purged);
    CHECK(*purged == 2);
    {
        SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
        CHECK(db.execAndGet("SELECT pending_since FROM sessions WHERE user_id = 'ana'").getInt64() == 200);
        CHECK(db.execAndGet("SELECT pending IS NULL AND pending_since IS NULL FROM sessions WHERE user_id = 'ben'")
                  .getInt() == 1);
    }
    // ana's session was cached with "old" still waiting: the purge must not let it back.
    REQUIRE(store->update("ana", recording({line(300, 3, "latest")})));
    auto data = store->export_data("ana");
    REQUIRE(data);
    CHECK(data->transcript == std::vector{line(200, 2, "newer"), line(300, 3, "latest")});
    CHECK(data->session->turns == 3);
    check_consistent(path);
}

TEST_CASE("waiting lines that cannot be read are kept as a row and reported, and never stop the conversation",
          "[store][transcript][privacy]") {
    TempDir dir;
    const auto path = dir.file("sessions.db");
    auto store = open_file(path);
    REQUIRE(store->update("ana", recording({line(100, 1, "first")})));
    store.reset();
    exec_on(path, "UPDATE sessions SET pending = '[[1, 1, \"person\"]]' WHERE user_id = 'ana'");
    store = open_file(path);
    auto loaded = store->load("ana");
    REQUIRE(loaded);
    REQUIRE(*loaded);
    CHECK((*loaded)->turns == 1);
    auto data = store->export_data("ana");
    REQUIRE_FALSE(data);
    CHECK_THAT(data.error().message, Catch::Contains("transcript cannot be read"));
    // The person can go on talking; what could not be read becomes a row of its time.
    REQUIRE(store->update("ana", recording({line(200, 2, "second")})));
    CHECK(rows_of(path, "ana") == 1);
    data = store->export_data("ana");
    REQUIRE_FALSE(data);
    CHECK_THAT(data.error().message, Catch::Contains("transcript cannot be read"));
    check_consistent(path);
    // The retention purge deletes that row by its time like any other.
    auto purged = store->purge_transcripts(150);
    REQUIRE(purged);
    data = store->export_data("ana");
    REQUIRE(data);
    CHECK(data->transcript == std::vector{line(200, 2, "second")});

    SECTION("and withdrawing consent erases it with the rest") {
        exec_on(path, "UPDATE sessions SET pending = 'not json', pending_since = 200 WHERE user_id = 'ana'");
        store = open_file(path);
        REQUIRE(store->update("ana", [](SessionState& state, bool, TurnWrites& writes) {
            ++state.turns;
            writes.erase_transcript = true;
        }));
        SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
        CHECK(db.execAndGet("SELECT count(*) FROM transcript_turns").getInt() == 0);
        CHECK(db.execAndGet("SELECT pending IS NULL FROM sessions WHERE user_id = 'ana'").getInt() == 1);
    }
    SECTION("and the purge takes one that is old") {
        exec_on(path, "UPDATE sessions SET pending = 'not json', pending_since = 300 WHERE user_id = 'ana'");
        purged = store->purge_transcripts(400);
        REQUIRE(purged);
        CHECK(*purged >= 1);
        SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
        CHECK(db.execAndGet("SELECT pending IS NULL FROM sessions WHERE user_id = 'ana'").getInt() == 1);
    }
}

TEST_CASE("a purge by another connection is not undone by a session this one had cached",
          "[store][transcript][privacy]") {
    TempDir dir;
    const auto path = dir.file("sessions.db");
    auto store = open_file(path);
    REQUIRE(store->update("ana", recording({line(100, 1, "old")})));
    REQUIRE(store->update("ana", recording({line(200, 2, "newer")})));
    {
        auto other = open_file(path);  // `reframe data purge`, say
        auto purged = other->purge_transcripts(150);
        REQUIRE(purged);
        CHECK(*purged == 1);
    }
    REQUIRE(store->update("ana", recording({line(300, 3, "latest")})));
    auto data = store->export_data("ana");
    REQUIRE(data);
    CHECK(data->transcript == std::vector{line(200, 2, "newer"), line(300, 3, "latest")});
    check_consistent(path);
}
