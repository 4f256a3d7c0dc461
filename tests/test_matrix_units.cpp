// The pure parts of the Matrix bot, without sockets: config, URLs, sync parsing,
// transaction ids, backoff, rate-limit waits, HTML escaping, options, the bot store.
#include <catch2/catch.hpp>

#include <set>

#include <sys/stat.h>

#include "backoff.hpp"
#include "bot_store.hpp"
#include "client_api.hpp"
#include "config.hpp"
#include "http_client.hpp"
#include "reframe/session_store.hpp"
#include "reply_format.hpp"
#include "sync_batch.hpp"
#include "temp_dir.hpp"

using namespace reframe::matrix;
using reframe::testing::TempDir;

namespace {

const std::string good_config =
    "homeserver: https://matrix.example.org\n"
    "user_id: \"@reframe:example.org\"\n"
    "password_file: /run/secrets/reframe\n"
    "allowed_users: [\"@alice:example.org\"]\n"
    "db: /var/lib/reframe/reframe.db\n";

}  // namespace

TEST_CASE("a minimal config is read with its defaults", "[matrix][config]") {
    auto config = parse_config(good_config, "bot.yaml");
    REQUIRE(config);
    CHECK(config->homeserver == "https://matrix.example.org");
    CHECK(config->msgtype == "m.notice");
    CHECK(config->invites == InvitePolicy::reject);
    CHECK(config->group_rooms == GroupPolicy::ignore);
    CHECK(config->workers == 4);
}

TEST_CASE("config mistakes name the file, the place and the fix", "[matrix][config]") {
    auto unknown = parse_config(good_config + "homesever: x\n", "bot.yaml");
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().find("bot.yaml:6:1: error: unknown key 'homesever'") == 0);

    auto workers = parse_config(good_config + "workers: 0\n", "bot.yaml");
    REQUIRE_FALSE(workers);
    CHECK(workers.error() == "bot.yaml:6:10: error: 'workers' must be between 1 and 64");

    auto two_secrets = parse_config(good_config + "access_token_env: TOKEN\n", "bot.yaml");
    REQUIRE_FALSE(two_secrets);
    CHECK(two_secrets.error().find("exactly one of password_file") != std::string::npos);

    auto nobody = parse_config("homeserver: http://127.0.0.1:8008\nuser_id: \"@b:x\"\npassword_env: P\ndb: d\n", "b");
    REQUIRE_FALSE(nobody);
    CHECK(nobody.error().find("nobody may talk to the bot") != std::string::npos);

    auto scheme = parse_config("homeserver: matrix.org\n", "b");
    REQUIRE_FALSE(scheme);
    CHECK(scheme.error().find("http:// or https://") != std::string::npos);

    auto syntax = parse_config("homeserver: [\n", "b");
    REQUIRE_FALSE(syntax);
    CHECK(syntax.error().find("b:") == 0);

    auto bad_user = parse_config(good_config + "allowed_servers: [x]\ninvites: maybe\n", "b");
    REQUIRE_FALSE(bad_user);
    CHECK(bad_user.error().find("'invites' must be reject or ignore") != std::string::npos);
}

TEST_CASE("the allow-list admits listed users and servers only", "[matrix][config]") {
    MatrixConfig config;
    config.allowed_users = {"@alice:example.org"};
    config.allowed_servers = {"clinic.example"};
    CHECK(is_allowed(config, "@alice:example.org"));
    CHECK(is_allowed(config, "@bob:clinic.example"));
    CHECK_FALSE(is_allowed(config, "@bob:example.org"));
    CHECK_FALSE(is_allowed(config, "@mallory:clinic.example.evil"));
    CHECK_FALSE(is_allowed(config, "alice:example.org"));
    CHECK(server_of("@a:b.c:8448") == "b.c:8448");
}

TEST_CASE("secrets come from a file or the environment, never empty", "[matrix][config]") {
    TempDir dir;
    dir.write("secret", "hunter2\n");
    MatrixConfig config;
    config.password_file = dir.file("secret").string();
    auto secret = read_secret(config);
    REQUIRE(secret);
    CHECK(secret->value == "hunter2");
    CHECK(secret->kind == Secret::Kind::password);

    MatrixConfig env;
    env.access_token_env = "REFRAME_TEST_SURELY_UNSET_TOKEN";
    auto missing = read_secret(env);
    REQUIRE_FALSE(missing);
    CHECK(missing.error().find("REFRAME_TEST_SURELY_UNSET_TOKEN is not set") != std::string::npos);

    dir.write("empty", "\n");
    config.password_file = dir.file("empty").string();
    CHECK_FALSE(read_secret(config));
}

TEST_CASE("homeserver URLs split into scheme, host, port and prefix", "[matrix][http]") {
    auto plain = parse_base_url("http://127.0.0.1:8008");
    REQUIRE(plain);
    CHECK_FALSE(plain->tls);
    CHECK(plain->host == "127.0.0.1");
    CHECK(plain->port == "8008");
    auto tls = parse_base_url("https://matrix.example.org/synapse/");
    REQUIRE(tls);
    CHECK(tls->tls);
    CHECK(tls->port == "443");
    CHECK(tls->prefix == "/synapse");
    CHECK_FALSE(parse_base_url("ftp://x"));
    CHECK_FALSE(parse_base_url("https://:80"));
    CHECK_FALSE(parse_base_url("https://host:80x"));
    CHECK(url_encode("$ab+c/d:e") == "%24ab%2Bc%2Fd%3Ae");
}

TEST_CASE("a sync response becomes invites, timelines, leaves and m.direct", "[matrix][sync]") {
    const auto response = nlohmann::json::parse(R"({
      "next_batch": "s42",
      "account_data": {"events": [{"type": "m.direct", "content": {"@alice:x": ["!dm:x"]}}]},
      "rooms": {
        "invite": {"!inv:x": {"invite_state": {"events": [
          {"type": "m.room.encryption", "sender": "@alice:x", "state_key": "", "content": {}},
          {"type": "m.room.member", "sender": "@alice:x", "state_key": "@bot:x",
           "content": {"membership": "invite", "is_direct": true}}]}}},
        "join": {"!dm:x": {"summary": {"m.joined_member_count": 2}, "timeline": {"events": [
          {"type": "m.room.message", "sender": "@alice:x", "event_id": "$1", "origin_server_ts": 5,
           "content": {"msgtype": "m.text", "body": "i'm useless", "m.mentions": {"user_ids": ["@bot:x"]}}},
          {"type": "m.room.message", "sender": "@alice:x", "content": "not an object"},
          "garbage",
          {"type": "m.room.member", "sender": "@alice:x", "state_key": "@alice:x", "content": {"membership": "leave"}}
        ]}}},
        "leave": {"!old:x": {}}
      }})");
    auto batch = parse_sync(response, "@bot:x");
    REQUIRE(batch);
    CHECK(batch->next_batch == "s42");
    REQUIRE(batch->invites.size() == 1);
    CHECK(batch->invites[0].inviter == "@alice:x");
    CHECK(batch->invites[0].is_direct);
    CHECK(batch->invites[0].encrypted);
    REQUIRE(batch->joined.size() == 1);
    const auto& room = batch->joined[0];
    CHECK(room.joined_members == 2);
    CHECK_FALSE(room.encrypted);
    REQUIRE(room.timeline.size() == 3);
    CHECK(room.timeline[0].body == "i'm useless");
    CHECK(room.timeline[0].mentions == std::vector<std::string>{"@bot:x"});
    CHECK(room.timeline[1].body.empty());
    CHECK(room.timeline[2].membership == "leave");
    CHECK(batch->left == std::vector<std::string>{"!old:x"});
    CHECK(batch->has_direct);
    CHECK(batch->direct.at("@alice:x") == std::vector<std::string>{"!dm:x"});
}

TEST_CASE("a sync response without next_batch is an error, odd shapes are not", "[matrix][sync]") {
    CHECK_FALSE(parse_sync(nlohmann::json::parse(R"({"rooms": {}})"), "@b:x"));
    auto odd =
        parse_sync(nlohmann::json::parse(R"({"next_batch": "s1", "rooms": {"join": [1, 2], "invite": "x"}})"), "@b:x");
    REQUIRE(odd);
    CHECK(odd->joined.empty());
    CHECK(odd->invites.empty());
}

TEST_CASE("transaction ids depend only on the event and the part", "[matrix][txn]") {
    const auto a0 = transaction_id("$abc+/=:x", 0);
    CHECK(a0 == transaction_id("$abc+/=:x", 0));
    CHECK(a0 != transaction_id("$abc+/=:x", 1));
    CHECK(a0 != transaction_id("$abd+/=:x", 0));
    CHECK(a0.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789.") == std::string::npos);
    std::set<std::string> ids;
    for (int i = 0; i < 1000; ++i) ids.insert(transaction_id("$event" + std::to_string(i), 0));
    CHECK(ids.size() == 1000);
}

TEST_CASE("backoff doubles with jitter up to the cap", "[matrix][backoff]") {
    using std::chrono::milliseconds;
    Backoff backoff(milliseconds(100), milliseconds(1000), 42);
    const auto first = backoff.next();
    CHECK(first >= milliseconds(50));
    CHECK(first <= milliseconds(100));
    const auto second = backoff.next();
    CHECK(second >= milliseconds(100));
    CHECK(second <= milliseconds(200));
    CHECK(backoff.next() <= milliseconds(400));
    CHECK(backoff.next() <= milliseconds(800));
    for (int i = 0; i < 50; ++i) {
        const auto wait = backoff.next();
        CHECK(wait >= milliseconds(500));
        CHECK(wait <= milliseconds(1000));
    }
    backoff.reset();
    CHECK(backoff.next() <= milliseconds(100));
    Backoff other(milliseconds(100), milliseconds(100000), 7);
    std::set<long> distinct;
    for (int i = 0; i < 8; ++i) distinct.insert(static_cast<long>(other.next().count()));
    CHECK(distinct.size() == 8);
}

TEST_CASE("a 429 waits what the body or the Retry-After header says", "[matrix][backoff]") {
    using std::chrono::milliseconds;
    CHECK(rate_limit_wait(R"({"errcode":"M_LIMIT_EXCEEDED","retry_after_ms":1234})", "") == milliseconds(1234));
    CHECK(rate_limit_wait(R"({"errcode":"M_LIMIT_EXCEEDED"})", "3") == milliseconds(3000));
    CHECK(rate_limit_wait(R"({"retry_after_ms":250})", "9") == milliseconds(250));
    CHECK_FALSE(rate_limit_wait("{}", "Wed, 21 Oct 2026 07:28:00 GMT"));
    CHECK_FALSE(rate_limit_wait("not json", ""));
    CHECK(rate_limit_wait(R"({"retry_after_ms":-5})", "") == milliseconds(0));
    CHECK(rate_limit_wait(R"({"retry_after_ms":99999999999})", "") == milliseconds(3600000));
}

TEST_CASE("HTTP answers are classified for the retry loop", "[matrix][http]") {
    CHECK(interpret_response(200, R"({"event_id":"$1"})", ""));
    CHECK(interpret_response(200, "[]", "").error().kind == ApiError::Kind::server);
    const auto limited = interpret_response(429, R"({"errcode":"M_LIMIT_EXCEEDED","retry_after_ms":20})", "");
    CHECK(limited.error().kind == ApiError::Kind::rate_limited);
    CHECK(limited.error().retry_after == std::chrono::milliseconds(20));
    CHECK(interpret_response(429, "", "2").error().retry_after == std::chrono::milliseconds(2000));
    CHECK(interpret_response(401, R"({"errcode":"M_UNKNOWN_TOKEN"})", "").error().kind ==
          ApiError::Kind::unknown_token);
    CHECK(interpret_response(502, "<html>bad gateway</html>", "").error().kind == ApiError::Kind::server);
    const auto forbidden = interpret_response(403, R"({"errcode":"M_FORBIDDEN","error":"no"})", "");
    CHECK(forbidden.error().kind == ApiError::Kind::refused);
    CHECK(forbidden.error().errcode == "M_FORBIDDEN");
}

TEST_CASE("replies escape every piece of text in their HTML", "[matrix][format]") {
    CHECK(escape_html("<b>\"Tom\" & 'Jerry'</b>") == "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;");
    const auto content =
        message_content("you said <script>alert(1)</script>\nok", {"yes & no", "<i>maybe</i>"}, "m.notice");
    CHECK(content["msgtype"] == "m.notice");
    CHECK(content["format"] == "org.matrix.custom.html");
    CHECK(content["body"] == "you said <script>alert(1)</script>\nok\n\n1. yes & no\n2. <i>maybe</i>");
    CHECK(content["formatted_body"] ==
          "<p>you said &lt;script&gt;alert(1)&lt;/script&gt;<br>ok</p><ol><li>yes &amp; no</li>"
          "<li>&lt;i&gt;maybe&lt;/i&gt;</li></ol>");
    const auto plain = message_content("hello", {}, "m.text");
    CHECK(plain["body"] == "hello");
    CHECK(plain["formatted_body"] == "<p>hello</p>");
}

TEST_CASE("a number picks a numbered option, anything else is kept", "[matrix][format]") {
    const std::vector<std::string> options{"Yes, keep one", "No transcript"};
    CHECK(resolve_option("1", options) == "Yes, keep one");
    CHECK(resolve_option(" 2. ", options) == "No transcript");
    CHECK(resolve_option("3", options) == "3");
    CHECK(resolve_option("0", options) == "0");
    CHECK(resolve_option("No transcript", options) == "No transcript");
    CHECK(resolve_option("1", {}) == "1");
    CHECK(resolve_option("12345", options) == "12345");
}

TEST_CASE("the bot store keeps state, de-duplicates and forgets a person", "[matrix][store]") {
    TempDir dir;
    const auto path = dir.file("bot.db").string();
    auto store = BotStore::open(path);
    REQUIRE(store);
    auto& s = **store;
    struct stat info {};
    REQUIRE(::stat(path.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);

    s.put("next_batch", "s1");
    s.put("next_batch", "s2");
    CHECK(s.get("next_batch") == "s2");
    CHECK_FALSE(s.handled("$1"));
    s.mark_handled("$1", 100);
    CHECK(s.handled("$1"));
    s.prune_handled(101);
    CHECK_FALSE(s.handled("$1"));

    s.put_outbox("matrix:@a:x", "$2", {{0, "!r:x", "{}"}, {1, "!r:x", "{\"a\":1}"}});
    s.mark_sent("$2", 0);
    REQUIRE(s.outbox("$2").size() == 1);
    CHECK(s.outbox("$2")[0].part == 1);

    s.save_person({"matrix:@a:x", "!r:x", {"one", "two"}, true, 600, 3, false});
    auto person = s.person("matrix:@a:x");
    REQUIRE(person);
    CHECK(person->options == std::vector<std::string>{"one", "two"});
    CHECK(person->paused);
    CHECK(s.people_with_reminders().size() == 1);
    s.forget_person("matrix:@a:x");
    CHECK_FALSE(s.person("matrix:@a:x"));
    CHECK(s.outbox("$2").empty());

    CHECK(s.first_refusal("@eve:y"));
    CHECK_FALSE(s.first_refusal("@eve:y"));
    s.save_room({"!r:x", true, true, true, false});
    CHECK(s.room("!r:x").known);
    CHECK(s.room("!r:x").live);
}

TEST_CASE("the documented example config is valid and sets every key", "[matrix][config]") {
    auto config = load_config(std::string(REFRAME_SOURCE_DIR) + "/docs/matrix.example.yaml");
    REQUIRE(config);
    CHECK(config->user_id == "@reframe:example.org");
    CHECK(config->allowed_servers == std::vector<std::string>{"clinic.example.org"});
    CHECK(config->max_pause_ms == 4000);
}

TEST_CASE("the engine's forget-me erases the bot's rows about the person too", "[matrix][store][privacy]") {
    TempDir dir;
    const auto path = dir.file("shared.db").string();
    auto bot = BotStore::open(path);
    REQUIRE(bot);
    (*bot)->save_person({"matrix:@a:x", "!r:x", {}, false, 600, -1, false});
    (*bot)->put_outbox("matrix:@a:x", "$1", {{0, "!r:x", "{}"}});
    (*bot)->save_person({"matrix:@b:x", "!s:x", {}, false, -1, -1, false});
    (*bot)->put("next_batch", "s9");
    auto sessions = reframe::open_session_store({path});
    REQUIRE(sessions);
    REQUIRE((*sessions)->erase("matrix:@a:x"));
    CHECK_FALSE((*bot)->person("matrix:@a:x"));
    CHECK((*bot)->outbox("$1").empty());
    CHECK((*bot)->person("matrix:@b:x"));
    CHECK((*bot)->get("next_batch") == "s9");
}
