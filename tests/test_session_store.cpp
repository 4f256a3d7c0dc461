#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "memory_session_store.hpp"
#include "reframe/session.hpp"
#include "reframe/session_store.hpp"
#include "sqlite_session_store.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using reframe::SessionState;
using reframe::SessionStore;

namespace {

using reframe::testing::TempDir;

std::unique_ptr<SessionStore> open_store(const fs::path& path) {
    auto store = reframe::open_session_store({path.string()});
    if (!store) FAIL("open failed: " << store.error().message);
    return std::move(*store);
}

std::string read_bytes(const fs::path& path) {
    std::string bytes(static_cast<std::size_t>(fs::file_size(path)), '\0');
    std::ifstream in(path, std::ios::binary);
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return bytes;
}

void write_bytes(const fs::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    out << bytes;
}

SessionState sample_state() {
    SessionState state;
    state.user = "@ana:example.org";
    state.at = {"pain_flare", "ask_kindness"};
    state.stack = {{"checkin", "score"}, {"main", "menu"}};
    state.vars = {{"name", "Ana \"the brave\" Ł\u00f3d\u017a \xF0\x9F\x8C\xBB"}, {"score", "7"}, {"empty", ""}};
    state.last_variant = {{"main.menu", 2}, {"pain_flare.ask_kindness", 0}};
    state.seed = 18446744073709551615ULL;
    state.turns = 42;
    state.greeted = true;
    state.flow_version = "0123456789abcdef";
    return state;
}

/// One turn that counts itself in vars["count"].
void count_turn(SessionState& state, bool /*is_new*/) {
    const auto it = state.vars.find("count");
    const int count = it == state.vars.end() ? 0 : std::stoi(it->second);
    state.vars["count"] = std::to_string(count + 1);
    ++state.turns;
}

int count_of(SessionStore& store, const std::string& user) {
    auto loaded = store.load(user);
    REQUIRE(loaded);
    REQUIRE(loaded->has_value());
    return std::stoi((*loaded)->vars.at("count"));
}

int session_rows(const fs::path& path) {
    SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
    return db.execAndGet("SELECT count(*) FROM sessions").getInt();
}

}  // namespace

TEST_CASE("a session survives serialisation unchanged", "[store]") {
    const SessionState state = sample_state();
    const std::string text = reframe::serialize(state);
    CHECK(text.find("@ana") == std::string::npos);  // the user is the row's key, not saved

    auto back = reframe::deserialize(state.user, text);
    REQUIRE(back);
    CHECK(*back == state);

    auto empty = reframe::deserialize("u", reframe::serialize(SessionState{}));
    REQUIRE(empty);
    CHECK(empty->user == "u");
}

TEST_CASE("a version 3 session (before the flow-set version was saved) loads with none", "[store][reload]") {
    const auto old = reframe::deserialize("u", R"({"v":3,"a":["f","s"],"k":[],"x":{},"l":{},"s":0,"n":2,"g":true})");
    REQUIRE(old);
    CHECK(old->flow_version.empty());
    CHECK(reframe::serialize(*old).find("\"f\":") == std::string::npos);
    CHECK(reframe::serialize(sample_state()).find(R"("f":"0123456789abcdef")") != std::string::npos);
}

TEST_CASE("a version 1 session (before consent was saved) still loads, with no consent given", "[store][privacy]") {
    const auto old = reframe::deserialize("u", R"({"v":1,"a":["f","s"],"k":[],"x":{},"l":{},"s":3,"n":2,"g":true})");
    REQUIRE(old);
    CHECK(old->consent.empty());
    CHECK(old->turns == 2);

    SessionState granted = sample_state();
    granted.consent = reframe::consent_granted;
    const auto back = reframe::deserialize("u", reframe::serialize(granted));
    REQUIRE(back);
    CHECK(back->consent == reframe::consent_granted);
}

TEST_CASE("deserialize refuses what is not a loadable session, without throwing", "[store]") {
    const std::string good = reframe::serialize(sample_state());
    const auto with_version = [&good](int v) {
        std::string text = good;
        const std::string current = "\"v\":" + std::to_string(SessionState::version);
        const auto at = text.find(current);
        REQUIRE(at != std::string::npos);
        return text.replace(at, current.size(), "\"v\":" + std::to_string(v));
    };

    const std::vector<std::string> bad = {
        "",
        "not json",
        "{",
        "[]",
        "42",
        "null",
        "{}",
        R"({"v":1})",
        R"({"v":"1"})",
        with_version(0),
        with_version(SessionState::version + 1),
        R"({"v":1,"a":["f"],"k":[],"x":{},"l":{},"s":0,"n":0,"g":false})",
        R"({"v":1,"a":["f","s"],"k":[],"x":{"a":1},"l":{},"s":0,"n":0,"g":false})",
        R"({"v":1,"a":["f","s"],"k":[],"x":{},"l":{"a":-1},"s":0,"n":0,"g":false})",
        R"({"v":1,"a":["f","s"],"k":[],"x":{},"l":{},"s":-5,"n":0,"g":false})",
        R"({"v":1,"a":["f","s"],"k":[["f"]],"x":{},"l":{},"s":0,"n":0,"g":false})",
        R"({"v":1,"a":["f","s"],"k":[],"x":{},"l":{},"s":0,"n":0,"g":1})",
        R"({"v":2,"a":["f","s"],"k":[],"x":{},"l":{},"s":0,"n":0,"g":true,"c":"maybe"})",
        R"({"v":2,"a":["f","s"],"k":[],"x":{},"l":{},"s":0,"n":0,"g":true,"c":true})",
    };
    for (const auto& text : bad) {
        INFO("text: " << text);
        tl::expected<SessionState, std::string> result;
        REQUIRE_NOTHROW(result = reframe::deserialize("u", text));
        REQUIRE_FALSE(result);
        CHECK_FALSE(result.error().empty());
    }

    const auto newer = reframe::deserialize("u", with_version(SessionState::version + 1));
    CHECK_THAT(newer.error(), Catch::Contains("newer than this build"));
    const auto older = reframe::deserialize("u", with_version(SessionState::min_loadable_version - 1));
    CHECK_THAT(older.error(), Catch::Contains("older than the oldest"));
}

TEST_CASE("serialisation writes valid JSON whatever a person typed", "[store]") {
    SessionState state = sample_state();
    std::mt19937 random(1234);
    for (int round = 0; round < 200; ++round) {
        std::string bytes(static_cast<std::size_t>(random() % 40), '\0');
        for (auto& byte : bytes) byte = static_cast<char>(random() % 256);
        state.vars["typed"] = bytes;
        state.at.state = bytes;
        const std::string text = reframe::serialize(state);
        INFO("round " << round);
        REQUIRE(nlohmann::json::accept(text));
        auto back = reframe::deserialize(state.user, text);
        REQUIRE(back);
        const auto expected = nlohmann::json::parse(text)["x"]["typed"].get<std::string>();
        CHECK(back->vars.at("typed") == expected);
    }

    state.vars["typed"] = std::string("tab\tnew\nline\x01 quote\" back\\slash \xC3\xA9") + std::string("\0nul", 4);
    auto exact = reframe::deserialize(state.user, reframe::serialize(state));
    REQUIRE(exact);
    CHECK(exact->vars.at("typed") == state.vars.at("typed"));

    state.vars["typed"] = "bad \xFF\xC3 end";  // invalid UTF-8 becomes U+FFFD, never an unloadable row
    auto repaired = reframe::deserialize(state.user, reframe::serialize(state));
    REQUIRE(repaired);
    CHECK(repaired->vars.at("typed") == "bad \xEF\xBF\xBD\xEF\xBF\xBD end");
}

TEST_CASE("deserialize reads keys in any order and refuses duplicates and unknown keys", "[store]") {
    const std::string reordered =
        R"({"g":true,"n":3,"s":9,"l":{"m.s":1},"x":{"a":"b"},"k":[["f","s"]],"a":["f","s"],"v":1})";
    auto read = reframe::deserialize("u", reordered);
    REQUIRE(read);
    CHECK(read->turns == 3);
    CHECK(read->stack == std::vector<reframe::Frame>{{"f", "s"}});

    // A newer version is reported as such even when its shape is unknown and "v" comes last.
    auto newer = reframe::deserialize("u", R"({"zz":{"q":[1.5]},"a":7,"v":99})");
    REQUIRE_FALSE(newer);
    CHECK_THAT(newer.error(), Catch::Contains("newer than this build"));

    auto duplicate =
        reframe::deserialize("u", R"({"v":1,"v":1,"a":["f","s"],"k":[],"x":{},"l":{},"s":0,"n":0,"g":false})");
    CHECK_FALSE(duplicate);
    auto unknown =
        reframe::deserialize("u", R"({"v":1,"q":0,"a":["f","s"],"k":[],"x":{},"l":{},"s":0,"n":0,"g":false})");
    REQUIRE_FALSE(unknown);
    CHECK_THAT(unknown.error(), Catch::Contains("unknown field"));
    auto missing = reframe::deserialize("u", R"({"v":1,"a":["f","s"],"k":[],"x":{},"l":{},"s":0,"n":0})");
    REQUIRE_FALSE(missing);
    CHECK_THAT(missing.error(), Catch::Contains("greeting flag"));
}

TEST_CASE("update creates a session, then resumes it", "[store]") {
    TempDir dir;
    const std::string path = GENERATE(as<std::string>{}, ":memory:", "file");
    auto store = open_store(path == ":memory:" ? fs::path(path) : dir.file("sessions.db"));

    std::vector<bool> seen_new;
    const auto turn = [&seen_new](SessionState& state, bool is_new) {
        seen_new.push_back(is_new);
        CHECK(state.user == "@ana:example.org");
        count_turn(state, is_new);
    };
    REQUIRE(store->update("@ana:example.org", turn));
    REQUIRE(store->update("@ana:example.org", turn));
    CHECK(seen_new == std::vector<bool>{true, false});
    CHECK(count_of(*store, "@ana:example.org") == 2);

    auto missing = store->load("@nobody:example.org");
    REQUIRE(missing);
    CHECK_FALSE(missing->has_value());
}

TEST_CASE("a session survives closing and reopening the file store", "[store]") {
    TempDir dir;
    const auto path = dir.file("nested/deeper/sessions.db");  // parent directories are created
    const SessionState saved = sample_state();
    {
        auto store = open_store(path);
        REQUIRE(store->update(saved.user, [&saved](SessionState& state, bool) { state = saved; }));
    }
    auto store = open_store(path);
    auto loaded = store->load(saved.user);
    REQUIRE(loaded);
    REQUIRE(loaded->has_value());
    CHECK(**loaded == saved);
}

TEST_CASE("a turn that throws saves nothing", "[store]") {
    TempDir dir;
    const std::string path = GENERATE(as<std::string>{}, ":memory:", "file");
    auto store = open_store(path == ":memory:" ? fs::path(path) : dir.file("sessions.db"));
    const auto failing = [](SessionState& state, bool) {
        state.vars["count"] = "99";
        throw std::runtime_error("turn failed");
    };

    CHECK_THROWS_AS(store->update("new", failing), std::runtime_error);
    auto fresh = store->load("new");
    REQUIRE(fresh);
    CHECK_FALSE(fresh->has_value());

    REQUIRE(store->update("old", count_turn));
    CHECK_THROWS_AS(store->update("old", failing), std::runtime_error);
    CHECK(count_of(*store, "old") == 1);
    REQUIRE(store->update("old", count_turn));  // the store still works afterwards
    CHECK(count_of(*store, "old") == 2);
}

TEST_CASE("erase removes every row about the user", "[store]") {
    TempDir dir;
    const auto path = dir.file("sessions.db");
    auto store = open_store(path);
    REQUIRE(store->update("gone", count_turn));
    REQUIRE(store->update("kept", count_turn));

    auto erased = store->erase("gone");
    REQUIRE(erased);
    CHECK(*erased == 1);
    SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
    SQLite::Statement rows(db, "SELECT count(*) FROM sessions WHERE user_id = ?");
    rows.bind(1, "gone");
    REQUIRE(rows.executeStep());
    CHECK(rows.getColumn(0).getInt() == 0);
    CHECK(session_rows(path) == 1);

    auto again = store->erase("gone");
    REQUIRE(again);
    CHECK(*again == 0);

    auto memory = open_store(":memory:");
    REQUIRE(memory->update("gone", count_turn));
    CHECK(*memory->erase("gone") == 1);
    CHECK_FALSE(memory->load("gone")->has_value());
}

TEST_CASE("the file store sets its schema version and WAL mode", "[store]") {
    TempDir dir;
    const auto path = dir.file("sessions.db");
    auto store = open_store(path);
    SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("PRAGMA user_version").getInt() == reframe::SqliteSessionStore::schema_version());
    CHECK(reframe::SqliteSessionStore::schema_version() >= 1);
    CHECK(db.execAndGet("PRAGMA journal_mode").getString() == "wal");
    CHECK(db.tableExists("sessions"));
    // Health data: a new database file is readable and writable by its owner only.
    const auto perms = fs::status(path).permissions();
    CHECK((perms & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none);
}

TEST_CASE("a database with a newer schema is refused and left untouched", "[store]") {
    TempDir dir;
    const auto path = dir.file("newer.db");
    const int newer = reframe::SqliteSessionStore::schema_version() + 1;
    {
        SQLite::Database db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db.exec("CREATE TABLE future (x INTEGER)");
        db.exec("PRAGMA user_version = " + std::to_string(newer));
    }
    const std::string before = read_bytes(path);

    auto store = reframe::open_session_store({path.string()});
    REQUIRE_FALSE(store);
    CHECK_THAT(store.error().message, Catch::Contains("newer than this build"));
    CHECK(read_bytes(path) == before);
    CHECK_FALSE(fs::exists(path.string() + "-wal"));
}

TEST_CASE("unusable paths are store errors, not crashes", "[store]") {
    TempDir dir;
    SECTION("a file that is not a database") {
        const auto path = dir.file("garbage.db");
        std::string garbage(8192, '\0');
        for (std::size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<char>(i * 7 + 3);
        write_bytes(path, garbage);
        auto store = reframe::open_session_store({path.string()});
        REQUIRE_FALSE(store);
        CHECK_THAT(store.error().message, Catch::Contains("not a database"));
        CHECK(read_bytes(path) == garbage);
    }
    SECTION("a directory") {
        auto store = reframe::open_session_store({dir.file("").string()});
        REQUIRE_FALSE(store);
        CHECK_THAT(store.error().message, Catch::Contains("directory"));
    }
    SECTION("an empty path") { CHECK_FALSE(reframe::open_session_store({""})); }
}

TEST_CASE("a corrupt session row is an error, not a silent reset", "[store]") {
    TempDir dir;
    const auto path = dir.file("sessions.db");
    auto store = open_store(path);
    REQUIRE(store->update("ana", count_turn));
    {
        SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
        db.exec("UPDATE sessions SET state = '{\"v\":1,\"a\":' WHERE user_id = 'ana'");
    }
    bool ran = false;
    auto updated = store->update("ana", [&ran](SessionState&, bool) { ran = true; });
    REQUIRE_FALSE(updated);
    CHECK_FALSE(ran);
    CHECK_THAT(updated.error().message, Catch::Contains("cannot be read"));
    CHECK_FALSE(store->load("ana"));

    SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("SELECT state FROM sessions WHERE user_id = 'ana'").getString() == "{\"v\":1,\"a\":");
}

TEST_CASE("concurrent updates lose no turns", "[store]") {
    TempDir dir;
    const std::string path = GENERATE(as<std::string>{}, ":memory:", "file");
    auto store = open_store(path == ":memory:" ? fs::path(path) : dir.file("sessions.db"));
    constexpr int threads = 8;
    constexpr int turns = 500;

    std::atomic<int> failures{0};
    std::vector<std::thread> workers;
    workers.reserve(threads);
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&store, &failures, t] {
            const std::string own = "user-" + std::to_string(t);
            for (int i = 0; i < turns; ++i) {
                if (!store->update("shared", count_turn)) ++failures;
                if (!store->update(own, count_turn)) ++failures;
            }
        });
    }
    for (auto& worker : workers) worker.join();

    CHECK(failures == 0);
    CHECK(count_of(*store, "shared") == threads * turns);
    for (int t = 0; t < threads; ++t) CHECK(count_of(*store, "user-" + std::to_string(t)) == turns);
}

TEST_CASE("two file stores on one database lose no turns", "[store]") {
    TempDir dir;
    const auto path = dir.file("sessions.db");
    auto first = open_store(path);
    auto second = open_store(path);
    constexpr int turns = 300;

    std::atomic<int> failures{0};
    std::vector<std::thread> workers;
    for (SessionStore* store : {first.get(), second.get(), first.get(), second.get()}) {
        workers.emplace_back([store, &failures] {
            for (int i = 0; i < turns; ++i) {
                if (!store->update("shared", count_turn)) ++failures;
            }
        });
    }
    for (auto& worker : workers) worker.join();

    CHECK(failures == 0);
    CHECK(count_of(*first, "shared") == 4 * turns);
    CHECK(session_rows(path) == 1);
}

namespace {

reframe::TranscriptLine line(std::int64_t at, const std::string& speaker, const std::string& text) {
    return reframe::TranscriptLine{at, 1, speaker, text};
}

/// A turn that counts and appends `lines` to the transcript.
SessionStore::Turn with_lines(std::vector<reframe::TranscriptLine> lines) {
    return [lines = std::move(lines)](SessionState& state, bool is_new, reframe::TurnWrites& writes) {
        count_turn(state, is_new);
        writes.transcript = lines;
    };
}

}  // namespace

TEST_CASE("transcript lines are written with the turn, exported, purged and erased", "[store][privacy]") {
    TempDir dir;
    const std::string path = GENERATE(as<std::string>{}, ":memory:", "file");
    auto store = open_store(path == ":memory:" ? fs::path(path) : dir.file("sessions.db"));

    REQUIRE(store->update("ana", with_lines({line(100, "person", "first"), line(100, "bot", "reply one")})));
    REQUIRE(store->update("ana", with_lines({line(200, "person", "second")})));
    REQUIRE(store->update("ben", with_lines({line(150, "person", "ben's")})));

    auto ana = store->export_data("ana");
    REQUIRE(ana);
    REQUIRE(ana->session);
    CHECK(ana->session->turns == 2);
    CHECK(ana->transcript == std::vector<reframe::TranscriptLine>{line(100, "person", "first"),
                                                                  line(100, "bot", "reply one"),
                                                                  line(200, "person", "second")});

    SECTION("purge removes lines older than the cut-off, for everyone") {
        auto purged = store->purge_transcripts(160);
        REQUIRE(purged);
        CHECK(*purged == 3);
        CHECK(store->export_data("ana")->transcript ==
              std::vector<reframe::TranscriptLine>{line(200, "person", "second")});
        CHECK(store->export_data("ben")->transcript.empty());
        CHECK(store->export_data("ana")->session.has_value());  // sessions are not transcripts
    }
    SECTION("a turn may erase the transcript before appending") {
        REQUIRE(store->update("ana", [](SessionState& state, bool is_new, reframe::TurnWrites& writes) {
            count_turn(state, is_new);
            writes.erase_transcript = true;
        }));
        CHECK(store->export_data("ana")->transcript.empty());
        CHECK(store->export_data("ben")->transcript.size() == 1);
    }
    SECTION("a turn that forgets leaves nothing about the person, and nothing is saved") {
        REQUIRE(store->update("ana", [](SessionState& state, bool is_new, reframe::TurnWrites& writes) {
            count_turn(state, is_new);
            writes.transcript.push_back(line(300, "person", "never kept"));
            writes.forget = true;
        }));
        auto gone = store->export_data("ana");
        REQUIRE(gone);
        CHECK_FALSE(gone->session);
        CHECK(gone->transcript.empty());
        CHECK(store->export_data("ben")->transcript.size() == 1);
    }
    SECTION("erase removes the transcript with the session") {
        CHECK(*store->erase("ana") == 1);
        CHECK(store->export_data("ana")->transcript.empty());
    }
}

TEST_CASE("a schema 1 database is migrated and keeps its sessions", "[store][privacy]") {
    TempDir dir;
    const auto path = dir.file("old.db");
    {
        SQLite::Database db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db.exec(
            "CREATE TABLE sessions (user_id TEXT PRIMARY KEY, version INTEGER NOT NULL,"
            " state TEXT NOT NULL, updated_at INTEGER NOT NULL)");
        db.exec(
            "INSERT INTO sessions VALUES ('old', 1,"
            " '{\"v\":1,\"a\":[\"f\",\"s\"],\"k\":[],\"x\":{},\"l\":{},\"s\":0,\"n\":4,\"g\":true}', 0)");
        db.exec("PRAGMA user_version = 1");
    }
    auto store = open_store(path);
    auto old = store->load("old");
    REQUIRE(old);
    REQUIRE(old->has_value());
    CHECK((*old)->turns == 4);
    CHECK((*old)->consent.empty());
    SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
    CHECK(db.tableExists("transcript_turns"));
    CHECK_FALSE(db.tableExists("transcripts"));
    CHECK(db.execAndGet("PRAGMA user_version").getInt() == reframe::SqliteSessionStore::schema_version());
}
