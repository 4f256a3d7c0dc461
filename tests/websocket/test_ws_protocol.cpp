// The WebSocket protocol's pure parts: frames parsed and written, session tokens, the
// config file, the rate limits and the metrics text.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "metrics.hpp"
#include "protocol.hpp"
#include "rate_limit.hpp"
#include "server_config.hpp"
#include "session_token.hpp"
#include "temp_dir.hpp"

using namespace reframe::websocket;
using nlohmann::json;

TEST_CASE("a say's text comes back as sent, whether or not it needs the JSON parser", "[websocket]") {
    // The canonical frame with plain ASCII text is read without the parser (protocol.cpp's
    // plain_say); escapes, UTF-8, control characters and other key orders go through it.
    const std::vector<std::string> texts = {"im so lazy",
                                            "",
                                            "a \"quoted\" word",
                                            "back\\slash",
                                            "caf\u00e9 and \U0001F600",
                                            std::string("tab\there, line\nbreak"),
                                            std::string("\x7f DEL is plain"),
                                            "ends with a brace }",
                                            R"(looks like "},{"type":"hello)"};
    for (const auto& text : texts) {
        CAPTURE(text);
        const std::string canonical = R"({"type":"say","text":)" + json(text).dump() + "}";
        const std::string reordered = json{{"text", text}, {"type", "say"}}.dump();  // keys sorted: text first
        for (const auto& frame :
             {canonical, reordered, std::string(R"({ "type": "say", "text": )") + json(text).dump() + " }"}) {
            CAPTURE(frame);
            auto parsed = parse_client_frame(frame);
            REQUIRE(parsed);
            CHECK(std::get<Say>(*parsed).text == text);
        }
    }
    // What only looks like a plain say still gets the parser's answer.
    const auto code = [](std::string_view text) { return parse_client_frame(text).error().code; };
    CHECK(code(R"({"type":"say","text":"a\"})") == ErrorCode::bad_json);  // the quote is escaped: unterminated
    CHECK(code(R"({"type":"say","text":"x"}{"type":"say","text":"y"})") == ErrorCode::bad_json);
    auto last_wins = parse_client_frame(R"({"type":"say","text":"x","text":"y"})");
    REQUIRE(last_wins);
    CHECK(std::get<Say>(*last_wins).text == "y");
    CHECK(code("{\"type\":\"say\",\"text\":\"bad \xff byte\"}") == ErrorCode::bad_json);  // not UTF-8
}

TEST_CASE("client frames: say and hello parse, everything else gets its error code", "[websocket]") {
    auto say = parse_client_frame(R"({"type":"say","text":"im so lazy"})");
    REQUIRE(say);
    CHECK(std::get<Say>(*say).text == "im so lazy");

    auto hello = parse_client_frame(R"({"type":"hello","session":"abc"})");
    REQUIRE(hello);
    CHECK(std::get<Hello>(*hello).session == "abc");
    auto bare = parse_client_frame(R"({"type":"hello"})");
    REQUIRE(bare);
    CHECK_FALSE(std::get<Hello>(*bare).session);
    auto odd_token = parse_client_frame(R"({"type":"hello","session":42})");
    REQUIRE(odd_token);  // a malformed token starts a fresh session, it is not an error
    CHECK_FALSE(std::get<Hello>(*odd_token).session);

    const auto code = [](std::string_view text) { return parse_client_frame(text).error().code; };
    CHECK(code("not json") == ErrorCode::bad_json);
    CHECK(code("[1,2]") == ErrorCode::bad_json);
    CHECK(code(R"({"text":"hi"})") == ErrorCode::unknown_type);
    CHECK(code(R"({"type":"shout","text":"hi"})") == ErrorCode::unknown_type);
    CHECK(code(R"({"type":"say"})") == ErrorCode::bad_frame);
    CHECK(code(R"({"type":"say","text":7})") == ErrorCode::bad_frame);
    CHECK(code(R"({"type":"say","text":"hi"} trailing)") == ErrorCode::bad_json);
    CHECK(code(R"("say")") == ErrorCode::bad_json);
    CHECK(code("") == ErrorCode::bad_json);
    CHECK(code(R"({"type":["say"],"text":"hi"})") == ErrorCode::unknown_type);
    CHECK(code(R"({"type":"say","text":{"text":"hi"}})") == ErrorCode::bad_frame);
    CHECK(code("{\"type\":\"say\",\"text\":\"\xC3\x28\"}") == ErrorCode::bad_json);  // invalid UTF-8

    // Only top-level keys count, and the last of repeated keys wins (as a JSON object's
    // last member does).
    auto nested = parse_client_frame(R"({"meta":{"type":"hello","text":"no"},"type":"say","text":"yes"})");
    REQUIRE(nested);
    CHECK(std::get<Say>(*nested).text == "yes");
    auto repeated = parse_client_frame(R"({"type":"hello","text":"first","type":"say","text":"second"})");
    REQUIRE(repeated);
    CHECK(std::get<Say>(*repeated).text == "second");
    CHECK(code(R"({"type":"say","text":"hi","text":null})") == ErrorCode::bad_frame);
    CHECK(code(R"([{"type":"say","text":"x"}])") == ErrorCode::bad_json);
    auto in_array = parse_client_frame(R"({"a":[{"type":"hello"},"type"],"type":"say","text":"x"})");
    REQUIRE(in_array);
    CHECK(std::get<Say>(*in_array).text == "x");
    CHECK(code(R"({"type":"say","text":"hi","text":{"a":"b"}})") == ErrorCode::bad_frame);
    auto numeric_token = parse_client_frame(R"({"type":"hello","session":"abc","session":5})");
    REQUIRE(numeric_token);
    CHECK_FALSE(std::get<Hello>(*numeric_token).session);
    auto escaped = parse_client_frame(R"({"type":"say","text":"a \"quote\" and \u00e9"})");
    REQUIRE(escaped);
    CHECK(std::get<Say>(*escaped).text == "a \"quote\" and \u00e9");
}

TEST_CASE("a reply frame is the same JSON a DOM would give, byte for byte, whatever the text", "[websocket]") {
    // The reply frame is written directly (the hot path); the other frames go through
    // nlohmann::json. Both must agree on every field, on escaping and on key order.
    const auto through_dom = [](const reframe::Reply& reply) {
        json messages = json::array();
        for (std::size_t i = 0; i < reply.messages.size(); ++i) {
            messages.push_back(
                {{"text", reply.messages[i]}, {"pause_ms", i < reply.pauses_ms.size() ? reply.pauses_ms[i] : 0}});
        }
        json frame{{"type", "reply"}, {"messages", messages}, {"options", reply.options}, {"state", reply.state}};
        frame["safety"] = reply.safety.empty() ? json(nullptr) : json(reply.safety);
        if (!reply.error.empty()) frame["error"] = reply.error;
        return frame.dump(-1, ' ', false, json::error_handler_t::replace);
    };
    reframe::Reply reply;
    reply.state = "reframe.ask";
    CHECK(reply_frame(reply) == through_dom(reply));  // no messages, no options
    reply.messages = {"quote \" backslash \\ tab \t newline \n bell \x07", "caf\u00e9 \xF0\x9F\x8C\xBB",
                      "bad \xC3\x28 and \xED\xA0\x80 bytes", ""};
    reply.pauses_ms = {0, 1200};  // fewer pauses than messages: the rest are 0
    reply.options = {"yes", "not \"now\""};
    reply.safety = "medical_urgent";
    reply.error = "rate_limited";
    CHECK(reply_frame(reply) == through_dom(reply));
    CHECK(json::parse(reply_frame(reply))["messages"][2]["text"] == "bad \uFFFD( and \uFFFD\uFFFD\uFFFD bytes");
    // DEL is the one difference: escaped here, raw from nlohmann; the same JSON either way.
    reply.messages = {"del \x7f"};
    CHECK(json::parse(reply_frame(reply)) == json::parse(through_dom(reply)));
}

TEST_CASE("error messages never echo what the client sent", "[websocket]") {
    const auto parsed = parse_client_frame(R"({"type":"whisper-my-secret-name","text":"Henrietta"})");
    REQUIRE_FALSE(parsed);
    const auto frame = json::parse(error_frame(parsed.error().code, parsed.error().message));
    CHECK(frame["type"] == "error");
    CHECK(frame["code"] == "unknown_type");
    CHECK(frame.dump().find("Henrietta") == std::string::npos);
    CHECK(frame.dump().find("secret") == std::string::npos);
}

TEST_CASE("server frames: reply, welcome and error carry the agreed fields", "[websocket]") {
    reframe::Reply reply;
    reply.state = "reframe.ask";
    reply.messages = {"that sounds hard", "what would you tell a friend?"};
    reply.pauses_ms = {400, 900};
    reply.options = {"yes", "not now"};
    reply.safety = "crisis";
    const auto r = json::parse(reply_frame(reply));
    CHECK(r["type"] == "reply");
    CHECK(r["messages"] == json::parse(R"([{"text":"that sounds hard","pause_ms":400},
                                            {"text":"what would you tell a friend?","pause_ms":900}])"));
    CHECK(r["options"] == json::array({"yes", "not now"}));
    CHECK(r["state"] == "reframe.ask");
    CHECK(r["safety"] == "crisis");
    reply.safety.clear();
    CHECK(json::parse(reply_frame(reply))["safety"].is_null());

    const auto fresh = json::parse(welcome_frame("tok", false, reply, {"call 999", "https://example.org"}));
    CHECK(fresh["type"] == "welcome");
    CHECK(fresh["session"] == "tok");
    CHECK(fresh["resumed"] == false);
    CHECK(fresh["messages"].size() == 2);
    CHECK(fresh["help"]["url"] == "https://example.org");
    CHECK(fresh["help"]["text"] == "call 999");
    const auto resumed = json::parse(welcome_frame("tok", true, reply, {}));
    CHECK(resumed["messages"].empty());
    CHECK(resumed["options"].size() == 2);
    CHECK(resumed["state"] == "reframe.ask");

    for (auto code : {ErrorCode::bad_json, ErrorCode::unknown_type, ErrorCode::bad_frame, ErrorCode::too_large,
                      ErrorCode::rate_limited, ErrorCode::invalid_utf8, ErrorCode::server_busy,
                      ErrorCode::shutting_down, ErrorCode::server_error}) {
        const auto e = json::parse(error_frame(code));
        CHECK(e["code"] == std::string{code_name(code)});
        CHECK_FALSE(e["message"].get<std::string>().empty());
    }
}

TEST_CASE("session tokens: 256 random bits in base64url, stored only as a SHA-256", "[websocket]") {
    const auto a = new_session_token();
    const auto b = new_session_token();
    CHECK(a != b);
    CHECK(a.size() == 43);
    CHECK(is_well_formed_token(a));
    CHECK_FALSE(is_well_formed_token(a.substr(1)));
    CHECK_FALSE(is_well_formed_token(a.substr(1) + "="));
    CHECK_FALSE(is_well_formed_token(""));
    CHECK_FALSE(is_well_formed_token(std::string(43, '/')));
    // SHA-256("abc"), a published test vector.
    CHECK(user_id_for_token("abc") == "web:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(user_id_for_token(a) == user_id_for_token(a));
    CHECK(user_id_for_token(a).find(a) == std::string::npos);
    CHECK(connection_user_id() != connection_user_id());
}

TEST_CASE("token bucket: a burst, then the rate; 0 per minute is no limit", "[websocket]") {
    const auto start = Clock::now();
    TokenBucket bucket{{60, 3}, start};
    CHECK(bucket.take(start));
    CHECK(bucket.take(start));
    CHECK(bucket.take(start));
    CHECK_FALSE(bucket.take(start));
    CHECK(bucket.take(start + std::chrono::seconds(1)));  // 60 a minute: one a second
    CHECK_FALSE(bucket.take(start + std::chrono::seconds(1)));
    TokenBucket open{{0, 0}, start};
    for (int i = 0; i < 1000; ++i) REQUIRE(open.take(start));

    IpRateLimiter per_ip{{60, 2}};
    CHECK(per_ip.take("10.0.0.1", start));
    CHECK(per_ip.take("10.0.0.1", start));
    CHECK_FALSE(per_ip.take("10.0.0.1", start));
    CHECK(per_ip.take("10.0.0.2", start));  // another address has its own bucket
}

TEST_CASE("metrics: counts in the Prometheus text format, never text", "[websocket]") {
    Metrics metrics;
    metrics.turn_done(std::chrono::milliseconds(3), "");
    metrics.turn_done(std::chrono::milliseconds(30), "crisis");
    metrics.error_sent(ErrorCode::bad_json);
    metrics.connection_opened();
    const auto text = metrics.render();
    CHECK_THAT(text, Catch::Contains("reframe_turns_total 2\n"));
    CHECK_THAT(text, Catch::Contains("reframe_turn_duration_seconds_bucket{le=\"0.005\"} 1\n"));
    CHECK_THAT(text, Catch::Contains("reframe_turn_duration_seconds_bucket{le=\"0.05\"} 2\n"));
    CHECK_THAT(text, Catch::Contains("reframe_turn_duration_seconds_bucket{le=\"+Inf\"} 2\n"));
    CHECK_THAT(text, Catch::Contains("reframe_turn_duration_seconds_count 2\n"));
    CHECK_THAT(text, Catch::Contains("reframe_open_connections 1\n"));
    CHECK_THAT(text, Catch::Contains("reframe_errors_total{code=\"bad_json\"} 1\n"));
    CHECK_THAT(text, Catch::Contains("reframe_errors_total{code=\"too_large\"} 0\n"));
    CHECK_THAT(text, Catch::Contains("reframe_safety_interrupts_total{kind=\"crisis\"} 1\n"));
    CHECK_THAT(text, Catch::Contains("reframe_safety_interrupts_total{kind=\"medical_urgent\"} 0\n"));
    CHECK_THAT(text, Catch::Contains("# TYPE reframe_turn_duration_seconds histogram\n"));
}

TEST_CASE("serve config: every key read, flags' formats checked, mistakes located", "[serve][websocket]") {
    reframe::testing::TempDir dir;
    dir.write("serve.yaml", R"(listen: 0.0.0.0:9000
flows: /srv/flows
db: /var/lib/reframe/reframe.db
locale: gb
allowed_origins: ["https://chat.example.org/"]
network_threads: 3
turn_threads: 4
watch_flows: false
tls: {cert: /etc/reframe/cert.pem, key: /etc/reframe/key.pem}
limits:
  max_message_bytes: 8192
  max_connections: 50
  idle_timeout_seconds: 60
  ping_interval_seconds: 10
  shutdown_grace_seconds: 5
  per_connection: {per_minute: 30, burst: 5}
  per_ip: {per_minute: 300}
  engine_rate_per_minute: 0
  queue_limit: 8
)");
    auto config = load_server_config(dir.file("serve.yaml"));
    REQUIRE(config);
    CHECK(config->host == "0.0.0.0");
    CHECK(config->port == 9000);
    CHECK(config->flows == "/srv/flows");
    CHECK(config->db == "/var/lib/reframe/reframe.db");
    CHECK(config->locale == "gb");
    CHECK(config->allowed_origins == std::vector<std::string>{"https://chat.example.org"});
    CHECK(config->network_threads == 3);
    CHECK(config->turn_threads == 4);
    CHECK_FALSE(config->watch_flows);
    CHECK(config->tls.cert == "/etc/reframe/cert.pem");
    CHECK(config->limits.max_message_bytes == 8192);
    CHECK(config->limits.max_connections == 50);
    CHECK(config->limits.idle_timeout == std::chrono::seconds(60));
    CHECK(config->limits.ping_interval == std::chrono::seconds(10));
    CHECK(config->limits.shutdown_grace == std::chrono::seconds(5));
    CHECK(config->limits.per_connection.per_minute == 30);
    CHECK(config->limits.per_connection.burst == 5);
    CHECK(config->limits.per_ip.burst == 75);  // a quarter minute's worth when not given
    CHECK(config->limits.engine_rate_per_minute == 0);
    CHECK(config->limits.queue_limit == 8);
    CHECK(check_server_config(*config).empty());

    const auto error_of = [&](const std::string& text) {
        dir.write("bad.yaml", text);
        auto bad = load_server_config(dir.file("bad.yaml"));
        REQUIRE_FALSE(bad);
        return bad.error();
    };
    CHECK_THAT(error_of("listen: 127.0.0.1:8080\nlsiten: x\n"),
               Catch::Contains("bad.yaml:2:1: error: unknown key 'lsiten'"));
    CHECK_THAT(error_of("limits:\n  max_connections: lots\n"),
               Catch::Contains("bad.yaml:2:20: error: limits.max_connections must be a number"));
    CHECK_THAT(error_of("limits:\n  max_connections: 2.5\n"), Catch::Contains("must be a whole number"));
    CHECK_THAT(error_of("limits:\n  per_ip: {per_minute: 5, brust: 1}\n"), Catch::Contains("limits.per_ip.brust"));
    CHECK_THAT(error_of("listen: 127.0.0.1\n"), Catch::Contains("listen must be HOST:PORT"));
    CHECK_THAT(error_of("listen: 127.0.0.1:99999\n"), Catch::Contains("port in listen"));
    CHECK_THAT(error_of("allowed_origins: chat.example.org\n"), Catch::Contains("must be a list"));
    CHECK_THAT(error_of("allowed_origins: [chat.example.org]\n"), Catch::Contains("starts with http"));
    CHECK_THAT(error_of("watch_flows: maybe\n"), Catch::Contains("true or false"));
    CHECK_THAT(error_of("limits: [1\n"), Catch::Contains("not valid YAML"));
    CHECK_THAT(error_of("- a\n- b\n"), Catch::Contains("must be a mapping"));
    auto missing = load_server_config(dir.file("nope.yaml"));
    REQUIRE_FALSE(missing);
    CHECK_THAT(missing.error(), Catch::Contains("cannot read the config file"));

    ServerConfig half;
    half.tls.cert = "cert.pem";
    CHECK(check_server_config(half) == "tls needs both cert and key");
    ServerConfig listen;
    REQUIRE(parse_listen("[::1]:0", listen));
    CHECK(listen.host == "::1");
    CHECK(listen.port == 0);
}

TEST_CASE("serve config: docs/serve.example.yaml loads and states the defaults", "[serve][websocket]") {
    auto example = load_server_config(std::string{REFRAME_SOURCE_DIR} + "/docs/serve.example.yaml");
    if (!example) FAIL(example.error());
    const ServerConfig defaults;
    CHECK(example->host == defaults.host);
    CHECK(example->port == defaults.port);
    CHECK(example->network_threads == defaults.network_threads);
    CHECK(example->turn_threads == defaults.turn_threads);
    CHECK(example->watch_flows == defaults.watch_flows);
    const auto& l = example->limits;
    const auto& d = defaults.limits;
    CHECK(l.max_message_bytes == d.max_message_bytes);
    CHECK(l.max_connections == d.max_connections);
    CHECK(l.idle_timeout == d.idle_timeout);
    CHECK(l.ping_interval == d.ping_interval);
    CHECK(l.per_connection.per_minute == d.per_connection.per_minute);
    CHECK(l.per_connection.burst == d.per_connection.burst);
    CHECK(l.per_ip.per_minute == d.per_ip.per_minute);
    CHECK(l.per_ip.burst == d.per_ip.burst);
    CHECK(l.engine_rate_per_minute == d.engine_rate_per_minute);
    CHECK(l.queue_limit == d.queue_limit);
    CHECK(l.shutdown_grace == d.shutdown_grace);
}
