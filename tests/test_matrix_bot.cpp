// The Matrix bot end to end against the fake homeserver: joins, replies, safety,
// restarts, rate limits, faults, token loss, commands, encryption, the allow-list.
#include <catch2/catch.hpp>

#include <algorithm>

#include "matrix_harness.hpp"

using namespace reframe::testing;
using reframe::Reply;

namespace {

const std::string alice = "@alice:localhost";

/// The bot's bodies in `room` after the first `skip` ones.
std::vector<std::string> since(FakeHomeserver& server, const std::string& room, std::size_t skip) {
    auto bodies = server.bot_bodies(room);
    return {bodies.begin() + static_cast<long>(std::min(skip, bodies.size())), bodies.end()};
}

/// Sends `text`, waits until the bot has handled it, returns what the bot said to it.
std::vector<std::string> exchange(FakeHomeserver& server, BotRunner& bot, const std::string& room,
                                  const std::string& person, const std::string& text) {
    const auto before = server.bot_bodies(room).size();
    const auto event = server.say(room, person, text);
    REQUIRE(bot.wait_handled(event));
    return since(server, room, before);
}

bool wait_joined(FakeHomeserver& server, const std::string& room, std::chrono::milliseconds limit = 20s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (server.membership(room, bot_id) != "join") {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(30ms);
    }
    return true;
}

/// A fake homeserver, a bot on a fresh database, and alice's DM with it, joined.
struct AliceDm {
    FakeHomeserver server;
    TempDir dir;
    ReferenceEngine reference;
    BotRunner bot{test_config(server, dir.file("bot.db").string())};
    const std::string room = server.create_dm(alice);
    AliceDm() { REQUIRE(wait_joined(server, room)); }
};

}  // namespace

TEST_CASE_METHOD(AliceDm, "invite, join, a self-critical message and a compassionate reply", "[matrix][integration]") {
    Reply first;
    CHECK(exchange(server, bot, room, alice, "hi") == reference.bodies(alice, "hi", &first));
    REQUIRE(first.options.size() >= 2);
    // "2" picks the second numbered option.
    CHECK(exchange(server, bot, room, alice, "2") == reference.bodies(alice, first.options[1]));

    const std::string harsh = "i'm so useless, i can't even do the dishes without my back giving out";
    Reply turn;
    const auto expected = reference.bodies(alice, harsh, &turn);
    CHECK_FALSE(turn.traps.empty());
    CHECK(turn.safety.empty());
    CHECK(exchange(server, bot, room, alice, harsh) == expected);

    // The reply's HTML is escaped, the message type is m.notice, and the message was read.
    const auto last = server.messages(room).back();
    CHECK(last["content"]["msgtype"] == "m.notice");
    CHECK(last["content"]["format"] == "org.matrix.custom.html");
    CHECK(server.control("GET", "stats")["receipts"].get<int>() >= 3);
    CHECK(bot.stop() == 0);
}

TEST_CASE_METHOD(AliceDm, "a crisis message gets the safety reply, in any state", "[matrix][integration][safety]") {
    CHECK(exchange(server, bot, room, alice, "hello") == reference.bodies(alice, "hello"));
    const std::string crisis = "i want to end my life, everyone would be better off without me";
    Reply safety;
    const auto expected = reference.bodies(alice, crisis, &safety);
    CHECK(safety.safety == "crisis");
    CHECK(exchange(server, bot, room, alice, crisis) == expected);
}

TEST_CASE("html in what a person writes is escaped in the reply", "[matrix][integration][format]") {
    FakeHomeserver server;
    TempDir dir;
    BotRunner bot(test_config(server, dir.file("bot.db").string()));
    const auto room = server.create_dm(alice);
    REQUIRE(wait_joined(server, room));
    (void)exchange(server, bot, room, alice, "no transcript, thanks");
    (void)exchange(server, bot, room, alice, "i feel like <b>a failure</b> because i <script>x</script> cant work");
    for (const auto& e : server.messages(room)) {
        if (e["sender"] != bot_id) continue;
        const std::string html = e["content"]["formatted_body"];
        CHECK(html.find("<b>") == std::string::npos);
        CHECK(html.find("<script>") == std::string::npos);
    }
}

TEST_CASE("first start answers no backlog; a restart answers nothing twice", "[matrix][integration][restart]") {
    TempDir dir;
    FakeHomeserver server(dir.file("server.json").string());
    const auto db = dir.file("bot.db").string();
    // A room the bot is already in, with a message from before its first start.
    const auto old_room = server.control("POST", "create_room", {{"creator", alice}, {"members", {bot_id}}})["room_id"]
                              .get<std::string>();
    server.say(old_room, alice, "this was written before the bot ever ran");
    const auto room = server.create_dm(alice);

    std::string token_before_conversation;
    {
        BotRunner bot(test_config(server, db));
        REQUIRE(wait_joined(server, room));
        token_before_conversation = bot.store().get("next_batch");
        CHECK_FALSE(exchange(server, bot, room, alice, "hi").empty());
        CHECK_FALSE(exchange(server, bot, room, alice, "no transcript, thanks").empty());
        CHECK(bot.stop() == 0);
    }
    CHECK(server.bot_bodies(old_room).empty());
    const auto answered = server.bot_bodies(room).size();

    // As if the bot had crashed after answering but before saving its sync token.
    {
        auto store = reframe::matrix::BotStore::open(db);
        REQUIRE(store);
        (*store)->put("next_batch", token_before_conversation);
    }
    const auto while_down = server.say(room, alice, "i'm so lazy, i never get anything done");
    server.restart();  // the homeserver restarts too, keeping its state
    BotRunner bot(test_config(server, db));
    REQUIRE(bot.wait_handled(while_down));
    const auto after = server.bot_bodies(room);
    CHECK(after.size() > answered);
    // The two answered messages were redelivered and not answered again: only the new
    // message got replies, and they came after the old ones.
    ReferenceEngine reference;
    (void)reference.bodies(alice, "hi");
    (void)reference.bodies(alice, "no transcript, thanks");
    CHECK(std::vector<std::string>(after.begin() + static_cast<long>(answered), after.end()) ==
          reference.bodies(alice, "i'm so lazy, i never get anything done"));
    CHECK(server.bot_bodies(old_room).empty());
}

TEST_CASE("a 429 storm, 5xx bursts and lost answers: every reply exactly once", "[matrix][integration][faults]") {
    FakeHomeserver server;
    TempDir dir;
    ReferenceEngine reference;
    BotRunner bot(test_config(server, dir.file("bot.db").string()));
    std::vector<std::string> people, rooms;
    for (int i = 0; i < 5; ++i) {
        people.push_back("@p" + std::to_string(i) + ":localhost");
        rooms.push_back(server.create_dm(people.back()));
    }
    for (const auto& room : rooms) REQUIRE(wait_joined(server, room));
    server.control("POST", "fault", {{"path", "/send/"}, {"status", 429}, {"count", 25}, {"retry_after_ms", 30}});
    server.control("POST", "fault",
                   {{"path", "/send/"}, {"status", 429}, {"count", 2}, {"header_only", true}, {"retry_after_s", 1}});
    server.control("POST", "fault", {{"path", "/send/"}, {"status", 503}, {"count", 6}});
    server.control("POST", "fault", {{"path", "/send/"}, {"drop", true}, {"count", 3}});
    server.control("POST", "fault", {{"path", "/sync"}, {"status", 500}, {"count", 2}});
    server.control("POST", "drop_after_send", {{"count", 3}});
    const std::vector<std::string> texts{"hello", "no transcript, thanks", "i always mess everything up"};
    std::vector<std::string> last_events;
    for (const auto& text : texts) {
        for (std::size_t i = 0; i < people.size(); ++i) last_events.push_back(server.say(rooms[i], people[i], text));
    }
    for (const auto& e : last_events) REQUIRE(bot.wait_handled(e, 60s));
    CHECK(server.control("GET", "stats")["faults_left"] == 0);
    for (std::size_t i = 0; i < people.size(); ++i) {
        std::vector<std::string> expected;
        for (const auto& text : texts) {
            for (auto& b : reference.bodies(people[i], text)) expected.push_back(b);
        }
        CHECK(server.bot_bodies(rooms[i]) == expected);
    }
}

TEST_CASE("a lost token: log in again with the password, or stop with an error", "[matrix][integration][auth]") {
    FakeHomeserver server;
    TempDir dir;
    const auto db = dir.file("bot.db").string();
    {
        BotRunner bot(test_config(server, db));
        const auto room = server.create_dm(alice);
        REQUIRE(wait_joined(server, room));
        server.control("POST", "invalidate_tokens");
        CHECK_FALSE(exchange(server, bot, room, alice, "hi").empty());
        CHECK(server.control("GET", "stats")["tokens"] == 1);
        CHECK(bot.stop() == 0);
    }
    SECTION("with only an access token the bot exits non-zero and says why") {
        auto token = reframe::matrix::BotStore::open(db).value()->get("access_token");
        REQUIRE_FALSE(token.empty());
        TempDir other;
        auto config = test_config(server, other.file("bot.db").string());
        BotRunner bot(config, {reframe::matrix::Secret::Kind::access_token, token});
        std::this_thread::sleep_for(300ms);
        server.control("POST", "invalidate_tokens");
        REQUIRE(bot.wait_exit(20s));
        CHECK(bot.stop() == 1);
        CHECK(bot.bot().fatal_error().find("M_UNKNOWN_TOKEN") != std::string::npos);
    }
}

TEST_CASE("encrypted rooms get one notice, then silence", "[matrix][integration][encryption]") {
    FakeHomeserver server;
    TempDir dir;
    BotRunner bot(test_config(server, dir.file("bot.db").string()));
    const auto room = server.create_dm(alice, true);
    REQUIRE(wait_joined(server, room));
    const auto event = server.say(room, alice, "hello?");
    const auto plain = server.create_dm("@bob:localhost");
    REQUIRE(wait_joined(server, plain));
    (void)exchange(server, bot, plain, "@bob:localhost", "hi");  // the bot has synced past alice's message
    (void)event;
    const auto bodies = server.bot_bodies(room);
    REQUIRE(bodies.size() == 1);
    CHECK(bodies[0].find("can't read encrypted messages") != std::string::npos);
}

TEST_CASE("the allow-list: invites declined, one explanation, then silence", "[matrix][integration][allow]") {
    FakeHomeserver server;
    TempDir dir;
    BotRunner bot(test_config(server, dir.file("bot.db").string()));
    const std::string eve = "@eve:evil.example";
    const auto refused = server.create_dm(eve);
    // alice's room, which eve is also in
    const auto shared =
        server
            .control("POST", "create_room",
                     {{"creator", alice}, {"members", {eve}}, {"invite", {bot_id}}, {"is_direct", true}})["room_id"]
            .get<std::string>();
    REQUIRE(wait_joined(server, shared));
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (server.membership(refused, bot_id) != "leave" && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(30ms);
    }
    CHECK(server.membership(refused, bot_id) == "leave");
    CHECK(exchange(server, bot, shared, eve, "hey bot").size() == 1);
    CHECK(exchange(server, bot, shared, eve, "hello??").empty());
    CHECK_FALSE(exchange(server, bot, shared, alice, "hi").empty());
}

TEST_CASE("chat commands: help, pause, export and forget with confirmation", "[matrix][integration][commands]") {
    FakeHomeserver server;
    TempDir dir;
    BotRunner bot(test_config(server, dir.file("bot.db").string()));
    const auto room = server.create_dm(alice);
    REQUIRE(wait_joined(server, room));
    CHECK(exchange(server, bot, room, alice, "!help")[0].find("!forget") != std::string::npos);
    (void)exchange(server, bot, room, alice, "hi");
    CHECK(exchange(server, bot, room, alice, "!pause")[0].find("Paused") == 0);
    CHECK(exchange(server, bot, room, alice, "i'm useless").empty());
    CHECK_FALSE(exchange(server, bot, room, alice, "i want to kill myself").empty());  // safety still answered
    CHECK(exchange(server, bot, room, alice, "!resume")[0].find("Welcome back") == 0);
    const auto exported = exchange(server, bot, room, alice, "!export");
    REQUIRE(exported.size() >= 2);
    CHECK(nlohmann::json::parse(exported[1], nullptr, false).is_object());
    CHECK(exchange(server, bot, room, alice, "!forget")[0].find("!forget yes") != std::string::npos);
    CHECK(bot.store().person("matrix:" + alice));
    CHECK(exchange(server, bot, room, alice, "!forget yes")[0].find("erased") != std::string::npos);
    CHECK_FALSE(bot.store().person("matrix:" + alice));
    CHECK(exchange(server, bot, room, alice, "!remind 25:00")[0].find("!remind 20:30") != std::string::npos);
}

TEST_CASE("the person leaving a DM makes the bot leave", "[matrix][integration][rooms]") {
    FakeHomeserver server;
    TempDir dir;
    BotRunner bot(test_config(server, dir.file("bot.db").string()));
    const auto room = server.create_dm(alice);
    REQUIRE(wait_joined(server, room));
    server.control("POST", "membership", {{"room_id", room}, {"user", alice}, {"membership", "leave"}});
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (server.membership(room, bot_id) != "leave" && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(30ms);
    }
    CHECK(server.membership(room, bot_id) == "leave");
}

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
// Sanitized builds run the bot several times slower; they look for races and memory errors,
// which 50 people at once show as well. The plain build (CI's last job) runs all 200.
constexpr int soak_people = 50;
#else
constexpr int soak_people = 200;
#endif

TEST_CASE("soak: 200 people at once (50 under sanitizers), every message answered exactly once",
          "[matrix][integration][soak]") {
    FakeHomeserver server;
    TempDir dir;
    ReferenceEngine reference;
    auto config = test_config(server, dir.file("bot.db").string());
    config.workers = 8;
    BotRunner bot(config);
    constexpr int people_count = soak_people;
    std::vector<std::string> people, rooms;
    for (int i = 0; i < people_count; ++i) {
        people.push_back("@person" + std::to_string(i) + ":localhost");
        rooms.push_back(server.create_dm(people.back()));
    }
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    for (bool all = false; !all && std::chrono::steady_clock::now() < deadline;) {
        const auto state = server.control("GET", "rooms")["rooms"];
        all = std::all_of(rooms.begin(), rooms.end(),
                          [&](const std::string& r) { return state[r]["members"].value(bot_id, "") == "join"; });
        if (!all) std::this_thread::sleep_for(100ms);
    }
    const auto joined = server.control("GET", "rooms")["rooms"];
    for (const auto& room : rooms) REQUIRE(joined[room]["members"].value(bot_id, "") == "join");
    const std::vector<std::string> texts{"hi", "i'm such a burden to everyone"};
    std::vector<std::string> events;
    for (const auto& text : texts) {
        for (int i = 0; i < people_count; ++i)
            events.push_back(server.say(rooms[static_cast<std::size_t>(i)], people[static_cast<std::size_t>(i)], text));
    }
    for (const auto& e : events) REQUIRE(bot.wait_handled(e, 90s));
    int exact = 0;
    for (int i = 0; i < people_count; ++i) {
        std::vector<std::string> expected;
        for (const auto& text : texts) {
            for (auto& b : reference.bodies(people[static_cast<std::size_t>(i)], text)) expected.push_back(b);
        }
        if (server.bot_bodies(rooms[static_cast<std::size_t>(i)]) == expected) ++exact;
    }
    CHECK(exact == people_count);
}
