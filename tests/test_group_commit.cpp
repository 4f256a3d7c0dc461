// Group commit: SessionStore::update_all and Engine::respond_all handle a batch of turns as
// the same turns one after another would, in one store transaction.
#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "bundled.hpp"
#include "reframe/engine.hpp"
#include "reframe/loader.hpp"
#include "reframe/session_store.hpp"
#include "sqlite_session_store.hpp"
#include "stored_lines.hpp"
#include "temp_dir.hpp"
#include "transcript_buffer.hpp"

using namespace reframe;
using reframe::testing::bundled;
using reframe::testing::TempDir;

namespace {

std::unique_ptr<SessionStore> open_store(const std::string& path) {
    auto store = open_session_store({path});
    if (!store) FAIL("open failed: " << store.error().message);
    return std::move(*store);
}

/// A turn that counts itself in vars["count"].
const SessionStore::Turn count_turn = [](SessionState& state, bool, TurnWrites&) {
    const auto it = state.vars.find("count");
    state.vars["count"] = std::to_string(it == state.vars.end() ? 1 : std::stoi(it->second) + 1);
};

const SessionStore::Turn throwing_turn = [](SessionState& state, bool, TurnWrites&) {
    state.vars["count"] = "999";  // must not be kept
    throw std::runtime_error("the flow broke");
};

int count_of(SessionStore& store, const std::string& user) {
    auto loaded = store.load(user);
    REQUIRE(loaded);
    if (!loaded->has_value()) return 0;
    return std::stoi((*loaded)->vars.at("count"));
}

/// Frames in the write-ahead log: each commit appends every page it changed.
std::uintmax_t wal_bytes(const std::string& db) { return reframe::testing::size_or_zero(db + "-wal"); }

std::string describe(const tl::expected<Reply, EngineError>& result) {
    if (!result) return "error: " + result.error().message;
    std::string out = result->state + " [" + result->safety + "|" + result->error + "]";
    for (const auto& m : result->messages) out += " | " + m;
    for (const auto& o : result->options) out += " (" + o + ")";
    for (const auto& i : result->intents) out += " #" + i;
    return out;
}

struct Deployment {
    TempDir dir;
    std::string db = dir.file("reframe.db").string();
    std::unique_ptr<Engine> engine;

    explicit Deployment(EngineOptions options = {}) {
        options.unix_clock = [] { return std::int64_t{1'795'000'000}; };
        engine = std::make_unique<Engine>(bundled(), open_store(db), std::move(options));
    }
};

EngineOptions unlimited() {
    EngineOptions options;
    options.rate_per_minute = 0;
    return options;
}

}  // namespace

TEST_CASE("update_all runs the turns in order, the same person more than once", "[store][batch]") {
    TempDir dir;
    const std::string path = GENERATE(as<std::string>{}, ":memory:", "file");
    auto store = open_store(path == "file" ? dir.file("s.db").string() : path);
    const std::string ana = "ana", ben = "ben";
    const std::vector<SessionStore::UserTurn> turns = {
        {&ana, &count_turn}, {&ben, &count_turn}, {&ana, &count_turn}, {&ana, &count_turn}};
    const auto results = store->update_all(turns);
    REQUIRE(results.size() == 4);
    for (const auto& result : results) CHECK(result);
    CHECK(count_of(*store, ana) == 3);
    CHECK(count_of(*store, ben) == 1);
    // The next batch (and a plain update) carries on from what the batch left.
    REQUIRE(store->update(ana, count_turn));
    CHECK(count_of(*store, ana) == 4);
}

TEST_CASE("a turn that fails in a batch is undone alone", "[store][batch]") {
    TempDir dir;
    const std::string path = GENERATE(as<std::string>{}, ":memory:", "file");
    auto store = open_store(path == "file" ? dir.file("s.db").string() : path);
    const std::string ana = "ana", ben = "ben";
    REQUIRE(store->update(ana, count_turn));
    const std::vector<SessionStore::UserTurn> turns = {
        {&ana, &count_turn}, {&ana, &throwing_turn}, {&ben, &throwing_turn}, {&ana, &count_turn}, {&ben, &count_turn}};
    const auto results = store->update_all(turns);
    REQUIRE(results.size() == 5);
    CHECK(results[0]);
    REQUIRE_FALSE(results[1]);
    CHECK(results[1].error().message == "the flow broke");
    CHECK_FALSE(results[2]);
    CHECK(results[3]);
    CHECK(results[4]);
    CHECK(count_of(*store, ana) == 3);  // 1 before, then the two turns that did not throw
    CHECK(count_of(*store, ben) == 1);
}

TEST_CASE("a forget-me after the same person's turn in one batch leaves nothing behind", "[store][batch][privacy]") {
    TempDir dir;
    const std::string path = GENERATE(as<std::string>{}, ":memory:", "file");
    auto store = open_store(path == "file" ? dir.file("s.db").string() : path);
    const std::string ana = "ana";
    const SessionStore::Turn forget = [](SessionState&, bool, TurnWrites& writes) { writes.forget = true; };
    REQUIRE(store->update(ana, count_turn));
    const std::vector<SessionStore::UserTurn> turns = {{&ana, &count_turn}, {&ana, &forget}};
    for (const auto& result : store->update_all(turns)) CHECK(result);
    auto loaded = store->load(ana);
    REQUIRE(loaded);
    CHECK_FALSE(loaded->has_value());
    // The next turn starts a new session: nothing of the old one comes back from a cache.
    bool was_new = false;
    REQUIRE(store->update(ana, [&was_new](SessionState& state, bool is_new, TurnWrites&) {
        was_new = is_new;
        CHECK(state.vars.count("count") == 0);
    }));
    CHECK(was_new);
}

TEST_CASE("erase_all erases the people named, keeps the others, and counts sessions", "[store][batch][privacy]") {
    TempDir dir;
    const std::string path = GENERATE(as<std::string>{}, ":memory:", "file");
    auto store = open_store(path == "file" ? dir.file("s.db").string() : path);
    for (const std::string user : {"ana", "ben", "cy"}) REQUIRE(store->update(user, count_turn));
    const std::vector<std::string> leaving = {"ana", "nobody", "cy"};
    auto erased = store->erase_all(leaving);
    REQUIRE(erased);
    CHECK(*erased == 2);  // "nobody" had no session
    CHECK(count_of(*store, "ana") == 0);
    CHECK(count_of(*store, "cy") == 0);
    CHECK(count_of(*store, "ben") == 1);
    // Nothing of an erased session comes back from a cache.
    REQUIRE(store->update("ana", count_turn));
    CHECK(count_of(*store, "ana") == 1);
    auto none = store->erase_all({});
    REQUIRE(none);
    CHECK(*none == 0);
}

TEST_CASE("erase_all of many people leaves the log empty", "[store][batch][privacy]") {
    TempDir dir;
    const std::string db = dir.file("s.db").string();
    auto store = open_store(db);
    std::vector<std::string> users;
    for (int i = 0; i < 30; ++i) users.push_back("person-" + std::to_string(i));
    for (const auto& user : users) REQUIRE(store->update(user, count_turn));
    auto erased = store->erase_all(users);
    REQUIRE(erased);
    CHECK(*erased == 30);
    // The old copies of the rows went with the log, truncated once for all of them.
    CHECK(wal_bytes(db) == 0);
    SQLite::Database reader(db, SQLite::OPEN_READONLY);
    CHECK(reader.execAndGet("SELECT count(*) FROM sessions").getInt() == 0);
}

TEST_CASE("erase_all in the SQLite store is all or nothing", "[store][batch][privacy]") {
    TempDir dir;
    const std::string db = dir.file("s.db").string();
    auto store = open_store(db);
    for (const std::string user : {"ana", "cy"}) REQUIRE(store->update(user, count_turn));
    {
        // cy's rows cannot be deleted (as a full disk or a damaged page would refuse it).
        SQLite::Database admin(db, SQLite::OPEN_READWRITE);
        admin.exec(
            "CREATE TRIGGER keep_cy BEFORE DELETE ON sessions WHEN old.user_id = 'cy'"
            " BEGIN SELECT RAISE(ABORT, 'cannot delete'); END");
    }
    const std::vector<std::string> both = {"ana", "cy"};
    CHECK_FALSE(store->erase_all(both));
    CHECK(count_of(*store, "ana") == 1);  // the erasure before the failure was undone too
    CHECK(count_of(*store, "cy") == 1);
}

TEST_CASE("a batch is one commit: twenty turns of one person write its page once", "[store][batch]") {
    TempDir dir;
    const std::string ana = "ana";
    const std::string one_by_one = dir.file("one.db").string(), batched = dir.file("batch.db").string();
    auto single = open_store(one_by_one);
    auto store = open_store(batched);
    const auto single_before = wal_bytes(one_by_one), batched_before = wal_bytes(batched);
    for (int i = 0; i < 20; ++i) REQUIRE(single->update(ana, count_turn));
    CHECK(count_of(*single, ana) == 20);
    const std::vector<SessionStore::UserTurn> turns(20, SessionStore::UserTurn{&ana, &count_turn});
    for (const auto& result : store->update_all(turns)) CHECK(result);
    CHECK(count_of(*store, ana) == 20);
    // Each commit appends the pages it changed to the log: twenty commits, twenty copies.
    const auto single_grew = wal_bytes(one_by_one) - single_before, batched_grew = wal_bytes(batched) - batched_before;
    CAPTURE(single_grew, batched_grew);
    CHECK(batched_grew > 0);
    CHECK(batched_grew * 5 < single_grew);
    // And it is durable: another connection sees all twenty.
    SQLite::Database reader(batched, SQLite::OPEN_READONLY);
    CHECK(reader.execAndGet("SELECT count(*) FROM sessions").getInt() == 1);
}

TEST_CASE("respond_all answers exactly as respond does one message at a time", "[engine][batch]") {
    // Two people, one of them writing several times in the batch, a crisis, an empty
    // message and a nameless sender: the bundled flows from the first contact on.
    const std::vector<Message> messages = {
        {"ana", "hello"},
        {"ben", "yes keep a transcript"},
        {"ana", "no thanks"},
        {"ben", "I'm useless, I couldn't even finish the dishes"},
        {"ana", "I should be over this by now"},
        {"ben", "   "},
        {"", "hello"},
        {"ana", "everyone would be better off without me"},
        {"ben", "I'm a burden to my husband"},
        {"ana", "i am safe, thank you"},
    };
    Deployment one_by_one(unlimited()), batched(unlimited());
    std::vector<std::string> expected;
    for (const auto& [user, text] : messages) expected.push_back(describe(one_by_one.engine->respond(user, text)));
    const auto results = batched.engine->respond_all(messages);
    REQUIRE(results.size() == messages.size());
    for (std::size_t i = 0; i < messages.size(); ++i) {
        CAPTURE(i, messages[i].user, messages[i].text);
        CHECK(describe(results[i]) == expected[i]);
    }
    CHECK(results[7]->safety == "crisis");
    CHECK_FALSE(results[5]);
    CHECK_FALSE(results[6]);
    // What was stored is the same too: the next message is answered alike.
    CHECK(describe(batched.engine->respond("ana", "thank you")) ==
          describe(one_by_one.engine->respond("ana", "thank you")));
}

TEST_CASE("a message declined in a batch names the state the person's earlier turn left", "[engine][batch]") {
    EngineOptions options;
    options.rate_per_minute = 1;
    options.rate_burst = 1;
    Deployment d(options);
    const std::vector<Message> messages = {{"ana", "hello"}, {"ana", "no thanks"}};
    const auto results = d.engine->respond_all(messages);
    REQUIRE(results[0]);
    REQUIRE(results[1]);
    CHECK(results[0]->error.empty());
    CHECK(results[1]->error == "rate_limited");
    CHECK(results[1]->state == results[0]->state);
}

TEST_CASE("forget me in a batch erases the person and keeps the others' turns", "[engine][batch][privacy]") {
    Deployment d(unlimited());
    REQUIRE(d.engine->respond("leaver", "yes keep a transcript"));
    REQUIRE(d.engine->respond("leaver", "please delete my data"));
    const std::vector<Message> messages = {
        {"keeper", "yes keep a transcript"}, {"leaver", "yes"}, {"keeper", "I'm a burden to my husband"}};
    const auto results = d.engine->respond_all(messages);
    for (const auto& result : results) REQUIRE(result);
    CHECK(results[1]->state == "privacy.consent");  // a new person's first contact
    SQLite::Database db(d.db, SQLite::OPEN_READONLY);
    SQLite::Statement count(db,
                            "SELECT (SELECT count(*) FROM sessions WHERE user_id = ?) +"
                            " (SELECT count(*) FROM transcript_turns WHERE user_id = ?)");
    count.bind(1, "leaver");
    count.bind(2, "leaver");
    REQUIRE(count.executeStep());
    CHECK(count.getColumn(0).getInt() == 0);
    // The burden message and each message of its reply (consent was granted the turn before).
    CHECK(stored_line_count(db, "keeper") == static_cast<std::int64_t>(1 + results[2]->messages.size()));
    CHECK(stored_line_count(db, "leaver") == 0);
}

TEST_CASE("forget truncates the log before it returns", "[engine][privacy]") {
    Deployment d(unlimited());
    REQUIRE(d.engine->respond("ana", "yes keep a transcript"));
    REQUIRE(d.engine->respond("ana", "I'm a burden to my husband"));
    REQUIRE(wal_bytes(d.db) > 0);
    auto forgotten = d.engine->forget("ana");
    REQUIRE(forgotten);
    CHECK(*forgotten);
    CHECK(wal_bytes(d.db) == 0);  // a person who asked is not left to the checkpointer
}

TEST_CASE("forget_all erases every person named with their transcripts, and refuses an empty id",
          "[engine][batch][privacy]") {
    Deployment d(unlimited());
    for (const std::string user : {"ana", "ben", "cy"}) {
        REQUIRE(d.engine->respond(user, "yes keep a transcript"));
        REQUIRE(d.engine->respond(user, "I'm a burden to my husband"));
    }
    const std::vector<std::string> with_empty = {"ana", ""};
    CHECK_FALSE(d.engine->forget_all(with_empty));
    const std::vector<std::string> leaving = {"ana", "cy"};
    auto forgotten = d.engine->forget_all(leaving);
    REQUIRE(forgotten);
    CHECK(*forgotten == 2);
    SQLite::Database db(d.db, SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("SELECT count(*) FROM sessions WHERE user_id IN ('ana', 'cy')").getInt() == 0);
    CHECK(db.execAndGet("SELECT count(*) FROM transcript_turns WHERE user_id IN ('ana', 'cy')").getInt() == 0);
    CHECK(db.execAndGet("SELECT count(*) FROM sessions WHERE user_id = 'ben'").getInt() == 1);
    CHECK(stored_line_count(db, "ben") > 0);
}

TEST_CASE("a prepared message is answered by the flows it was matched against, across a reload", "[engine][batch]") {
    Deployment d(unlimited());
    const Prepared before = d.engine->prepare({"ana", "I'm useless, I couldn't even finish the dishes"});
    auto other = load_flow_dir(std::string{REFRAME_TEST_DATA} + "/fixtures/engine");
    REQUIRE(other);
    REQUIRE(d.engine->reload(other->flows));
    const std::vector<Prepared> batch = {before, d.engine->prepare({"ben", "I'm useless"})};
    const auto results = d.engine->respond_all(batch);
    REQUIRE(results[0]);
    REQUIRE(results[1]);
    // The bundled flows greet a first message with the privacy notice; the fixture does not.
    CHECK(results[0]->state.rfind("privacy.", 0) == 0);
    CHECK(results[1]->state.rfind("privacy.", 0) != 0);
}

namespace {

/// count_turn, and a transcript line of `size` bytes or more. A short one waits in the
/// session row (one statement); one of transcript_buffer::max_bytes is written as a row of
/// its own at once: two statements, the line's before the session's.
SessionStore::Turn line_turn_of(std::size_t size) {
    return [size](SessionState& state, bool is_new, TurnWrites& writes) {
        count_turn(state, is_new, writes);
        std::string text = "line " + state.vars["count"] + " of " + state.user;
        if (text.size() < size) text.resize(size, '.');
        writes.transcript.push_back(TranscriptLine{1, 1, "person", std::move(text)});
    };
}

std::int64_t lines_of(const std::string& db, const std::string& user) {
    SQLite::Database reader(db, SQLite::OPEN_READONLY);
    return stored_line_count(reader, user);
}

}  // namespace

TEST_CASE("a turn whose writes fail half-way in a batch is undone alone; the turns around it keep theirs",
          "[store][batch]") {
    TempDir dir;
    const std::string db = dir.file("s.db").string();
    auto store = open_store(db);
    const std::string ana = "ana", ben = "ben", cy = "cy", dee = "dee";
    REQUIRE(store->update(ben, count_turn));
    {
        // cy's session row is refused (as a full disk would refuse it) after cy's transcript
        // line was written: that line must go too.
        SQLite::Database admin(db, SQLite::OPEN_READWRITE);
        admin.exec(
            "CREATE TRIGGER refuse_cy BEFORE INSERT ON sessions WHEN new.user_id = 'cy'"
            " BEGIN SELECT RAISE(ABORT, 'refused'); END");
    }
    const SessionStore::Turn forget_turn = [](SessionState&, bool, TurnWrites& writes) { writes.forget = true; };
    // cy's failing turn first, in the middle, last but one; before it, a person forgotten
    // (written again after the failure, so forgotten again); after it, another of cy's
    // turns, refused alone under a savepoint of its own. Short lines wait in the session
    // rows; long ones are rows of their own, written before the session row is refused.
    const std::size_t where = GENERATE(0u, 3u, 6u);
    const std::size_t line_size = GENERATE(as<std::size_t>{}, 10, reframe::transcript_buffer::max_bytes);
    CAPTURE(where, line_size);
    const SessionStore::Turn line_turn = line_turn_of(line_size);
    REQUIRE(store->update(ana, line_turn));  // a short line waits in ana's row before the batch
    std::vector<SessionStore::UserTurn> turns = {{&dee, &line_turn},   {&ana, &line_turn}, {&ben, &line_turn},
                                                 {&dee, &forget_turn}, {&ana, &line_turn}, {&ana, &line_turn}};
    turns.insert(turns.begin() + static_cast<std::ptrdiff_t>(where), {&cy, &line_turn});
    turns.push_back({&cy, &line_turn});
    const auto results = store->update_all(turns);
    REQUIRE(results.size() == turns.size());
    for (std::size_t i = 0; i < turns.size(); ++i) {
        CAPTURE(i, *turns[i].user);
        CHECK(static_cast<bool>(results[i]) == (turns[i].user != &cy));
    }
    REQUIRE_FALSE(results[where]);
    CHECK_THAT(results[where].error().message, Catch::Contains("refused"));
    CHECK(count_of(*store, ana) == 4);
    CHECK(count_of(*store, ben) == 2);
    CHECK(count_of(*store, cy) == 0);
    CHECK(count_of(*store, dee) == 0);
    CHECK(lines_of(db, ana) == 4);
    CHECK(lines_of(db, ben) == 1);
    CHECK(lines_of(db, cy) == 0);
    CHECK(lines_of(db, dee) == 0);
    {
        // ana's lines, each once and in order, through the replay.
        SQLite::Database reader(db, SQLite::OPEN_READONLY);
        const auto lines = stored_lines(reader, ana);
        REQUIRE(lines.size() == 4);
        for (std::size_t i = 0; i < lines.size(); ++i) {
            CHECK(lines[i].text.rfind("line " + std::to_string(i + 1) + " of ana", 0) == 0);
        }
        check_waiting_lines(reader);
    }
    // Nothing stale comes back from the cache either.
    REQUIRE(store->update(ana, count_turn));
    CHECK(count_of(*store, ana) == 5);
}

TEST_CASE("a session row inserted by a batch that was then replayed is written again, and updated after",
          "[store][batch]") {
    // The store updates a known session row by its rowid. A new person's row inserted by
    // the first pass of a batch is rolled back when a later turn's writes fail, so the
    // rowid noted for it names no row when the batch is replayed: the row must be written
    // again (an update by the stale rowid alone would lose the turn).
    TempDir dir;
    const std::string db = dir.file("s.db").string();
    auto store = open_store(db);
    const std::string eve = "eve", fay = "fay", cy = "cy";
    {
        SQLite::Database admin(db, SQLite::OPEN_READWRITE);
        admin.exec(
            "CREATE TRIGGER refuse_cy BEFORE INSERT ON sessions WHEN new.user_id = 'cy'"
            " BEGIN SELECT RAISE(ABORT, 'refused'); END");
        // Every upsert fires BEFORE INSERT (even one that ends as an update); an update by
        // rowid does not: the log tells the two apart.
        admin.exec(
            "CREATE TABLE upserts (user_id TEXT);"
            " CREATE TRIGGER log_upserts BEFORE INSERT ON sessions BEGIN INSERT INTO upserts VALUES (new.user_id); "
            "END");
    }
    const std::vector<SessionStore::UserTurn> turns = {{&eve, &count_turn}, {&fay, &count_turn}, {&cy, &count_turn}};
    const auto results = store->update_all(turns);
    REQUIRE(results.size() == 3);
    CHECK(results[0]);
    CHECK(results[1]);
    CHECK_FALSE(results[2]);
    CHECK(count_of(*store, eve) == 1);
    CHECK(count_of(*store, fay) == 1);
    SQLite::Database reader(db, SQLite::OPEN_READONLY);
    const auto upserts = [&reader] { return reader.execAndGet("SELECT count(*) FROM upserts").getInt(); };
    CHECK(upserts() == 2);  // eve's and fay's, written again (the first pass's went with it)
    // The next turns update each person's own row by the rowid the upserts returned.
    REQUIRE(store->update_all(std::vector<SessionStore::UserTurn>{{&fay, &count_turn}, {&eve, &count_turn}})[0]);
    REQUIRE(store->update(eve, count_turn));
    CHECK(upserts() == 2);
    CHECK(count_of(*store, eve) == 3);
    CHECK(count_of(*store, fay) == 2);
    CHECK(reader.execAndGet("SELECT count(*) FROM sessions").getInt() == 2);
}

TEST_CASE("a failed batch whose database another connection wrote to while it was undone fails as a whole",
          "[store][batch][privacy]") {
    // A batch whose writes fail is rolled back and its other turns' writes carried out
    // again. They were computed on what the first transaction read: had anyone written in
    // between (here, forgotten ana), writing them again would bring ana's session back.
    TempDir dir;
    const std::string db = dir.file("s.db").string();
    auto opened = SqliteSessionStore::open(db);
    REQUIRE(opened);
    auto& store = **opened;
    const std::string ana = "ana", ben = "ben", cy = "cy";
    REQUIRE(store.update(ana, count_turn));
    REQUIRE(store.update(ben, count_turn));
    SQLite::Database admin(db, SQLite::OPEN_READWRITE);
    admin.exec(
        "CREATE TRIGGER refuse_cy BEFORE INSERT ON sessions WHEN new.user_id = 'cy'"
        " BEGIN SELECT RAISE(ABORT, 'refused'); END");
    const bool someone_writes = GENERATE(false, true);
    CAPTURE(someone_writes);
    int undone = 0;
    store.set_before_begin_again([&] {
        ++undone;
        if (someone_writes) admin.exec("DELETE FROM sessions WHERE user_id = 'ana'");
    });
    const std::vector<SessionStore::UserTurn> turns = {{&ana, &count_turn}, {&cy, &count_turn}, {&ben, &count_turn}};
    const auto results = store.update_all(turns);
    REQUIRE(results.size() == 3);
    CHECK(undone == 1);
    CHECK_FALSE(results[1]);
    if (someone_writes) {
        for (const auto& result : results) {
            REQUIRE_FALSE(result);
            CHECK_THAT(result.error().message, Catch::Contains("the database changed"));
        }
        CHECK(count_of(store, ana) == 0);  // forgotten, and not brought back
        CHECK(count_of(store, ben) == 1);
    } else {
        CHECK(results[0]);
        CHECK(results[2]);
        CHECK(count_of(store, ana) == 2);
        CHECK(count_of(store, ben) == 2);
    }
    CHECK(count_of(store, cy) == 0);
}
