// `reframe serve` over 127.0.0.1 with a real (Beast) client: HTTP routes and headers,
// say → reply, resume across a restart, bad frames beside a healthy client, Origin, TLS,
// graceful shutdown with a turn in flight, metrics.
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "metrics.hpp"
#include "serve_fixture.hpp"
#include "session_token.hpp"
#include "temp_dir.hpp"
#include "ws_client.hpp"

using namespace reframe;
using namespace reframe::testing;
using nlohmann::json;

TEST_CASE("serve: the page and its assets, with the security headers", "[serve][http]") {
    auto engine = bundled_engine();
    RunningServer server{*engine};
    const auto page = http_get(server.port(), "/");
    CHECK(page.result() == http::status::ok);
    CHECK(page[http::field::content_type] == "text/html; charset=utf-8");
    CHECK_THAT(page.body(), Catch::Contains("<html"));
    const std::string csp = page["Content-Security-Policy"].to_string();
    CHECK_THAT(csp, Catch::Contains("frame-ancestors 'none'"));
    CHECK_THAT(csp, Catch::Contains("script-src 'self'"));
    CHECK(csp.find("unsafe-inline") == std::string::npos);
    CHECK(page["X-Content-Type-Options"] == "nosniff");
    CHECK(page["Referrer-Policy"] == "no-referrer");

    const auto head = http_get(server.port(), "/index.html", http::verb::head);
    CHECK(head.result() == http::status::ok);
    CHECK(head[http::field::content_length] == std::to_string(page.body().size()));
    CHECK(head.body().empty());

    const auto missing = http_get(server.port(), "/../etc/passwd");
    CHECK(missing.result() == http::status::not_found);
    CHECK(missing["X-Content-Type-Options"] == "nosniff");
    CHECK(http_get(server.port(), "/", http::verb::post).result() == http::status::method_not_allowed);
    CHECK(http_get(server.port(), "/ws").result() == http::status::upgrade_required);
}

TEST_CASE("serve: /healthz and /metrics count turns, errors and safety interrupts", "[serve][http]") {
    auto engine = bundled_engine();
    RunningServer server{*engine};
    const auto health = http_get(server.port(), "/healthz");
    CHECK(health.result() == http::status::ok);
    CHECK(health.body() == "ok\n");
    {
        WsClient client{server.port()};
        client.say("2");
        client.next();
        client.say("honestly everyone would be better off without me");
        CHECK(client.next()["safety"] == "crisis");
        client.write("nope");
        CHECK(client.next()["code"] == "bad_json");
        const auto metrics = http_get(server.port(), "/metrics");
        CHECK(metrics[http::field::content_type] == "text/plain; version=0.0.4; charset=utf-8");
        CHECK_THAT(metrics.body(), Catch::Contains("reframe_turns_total 2\n"));
        CHECK_THAT(metrics.body(), Catch::Contains("reframe_open_connections 1\n"));
        CHECK_THAT(metrics.body(), Catch::Contains("reframe_errors_total{code=\"bad_json\"} 1\n"));
        CHECK_THAT(metrics.body(), Catch::Contains("reframe_safety_interrupts_total{kind=\"crisis\"} 1\n"));
        CHECK(metrics.body().find("better off") == std::string::npos);
        client.close();
    }
}

TEST_CASE("serve: say → reply, and hello resumes across a server restart with a file DB", "[serve]") {
    TempDir dir;
    const auto db = dir.file("reframe.db").string();
    std::string token;
    std::string state;
    {
        auto engine = bundled_engine(db);
        RunningServer server{*engine};
        WsClient client{server.port()};
        client.write(R"({"type":"hello"})");
        const auto welcome = client.next();
        REQUIRE(welcome["type"] == "welcome");
        token = welcome["session"];
        client.say("2");
        const auto reply = client.next();
        REQUIRE(reply["type"] == "reply");
        client.say("im so useless, i couldnt even do the dishes");
        const auto reframe_reply = client.next();
        CHECK(reframe_reply["type"] == "reply");
        state = reframe_reply["state"];
        client.close();
    }
    auto engine = bundled_engine(db);
    RunningServer server{*engine};
    WsClient client{server.port()};
    client.write(json{{"type", "hello"}, {"session", token}}.dump());
    const auto welcome = client.next();
    CHECK(welcome["resumed"] == true);
    CHECK(welcome["session"] == token);
    CHECK(welcome["state"] == state);
    CHECK(welcome["messages"].empty());
    client.say("yes");
    CHECK(client.next()["type"] == "reply");
}

TEST_CASE("serve: bad frames each get their answer while another client keeps being served", "[serve]") {
    auto engine = bundled_engine();
    auto config = test_config();
    config.limits.max_message_bytes = 2048;
    config.limits.per_connection = {60, 5};
    RunningServer server{*engine, config};
    WsClient healthy{server.port()};
    const auto healthy_turn = [&] {
        healthy.say("2");
        CHECK(healthy.next()["type"] == "reply");
    };
    {
        WsClient bad{server.port()};
        bad.write("{\"type\":\"say\",\"text\":\"hi\"}", true);
        CHECK(bad.next()["code"] == "bad_frame");
        bad.write("{oops");
        CHECK(bad.next()["code"] == "bad_json");
        bad.write(R"({"type":"yell"})");
        CHECK(bad.next()["code"] == "unknown_type");
        for (int i = 0; i < 10; ++i) bad.say("2");
        int limited = 0;
        for (int i = 0; i < 10; ++i) limited += bad.next()["code"] == "rate_limited" ? 1 : 0;
        CHECK(limited >= 7);  // 5 in the burst minus the 3 above, a little refill
    }
    healthy_turn();
    {
        WsClient big{server.port()};
        big.say(std::string(10'000, 'x'));
        CHECK(big.next()["code"] == "too_large");
        CHECK_FALSE(big.read());
        CHECK(big.close_code() == 1009);
    }
    healthy_turn();
    {
        WsClient broken{server.port()};
        broken.write("{\"type\":\"say\",\"text\":\"\xc3\x28\"}");
        CHECK_FALSE(broken.read());
        CHECK(broken.close_code() == 1007);
    }
    healthy_turn();
    healthy.close();
}

TEST_CASE("serve: an Origin not allowed is refused with 403; the server's own and listed ones pass", "[serve][http]") {
    auto engine = bundled_engine();
    auto config = test_config();
    config.allowed_origins = {"https://chat.example.org"};
    RunningServer server{*engine, config};
    WsClient evil{server.port(), "https://evil.example"};
    CHECK(evil.handshake_error());
    CHECK(evil.handshake_response().result() == http::status::forbidden);
    WsClient listed{server.port(), "https://chat.example.org"};
    CHECK_FALSE(listed.handshake_error());
    WsClient own{server.port(), "http://127.0.0.1:" + std::to_string(server.port())};
    CHECK_FALSE(own.handshake_error());
    own.say("2");
    CHECK(own.next()["type"] == "reply");
    own.close();
    listed.close();
    CHECK_THAT(http_get(server.port(), "/metrics").body(), Catch::Contains("reframe_origin_rejected_total 1\n"));
}

namespace {

/// A store that takes its time, so that a shutdown finds a turn in flight.
class SlowStore : public SessionStore {
public:
    explicit SlowStore(std::unique_ptr<SessionStore> inner) : inner_(std::move(inner)) {}
    tl::expected<void, StoreError> update(const std::string& user, const Turn& turn) override {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        return inner_->update(user, turn);
    }
    tl::expected<std::optional<SessionState>, StoreError> load(const std::string& user) override {
        return inner_->load(user);
    }
    tl::expected<int, StoreError> erase(const std::string& user) override { return inner_->erase(user); }
    tl::expected<StoredData, StoreError> export_data(const std::string& user) override {
        return inner_->export_data(user);
    }
    tl::expected<std::int64_t, StoreError> purge_transcripts(std::int64_t before) override {
        return inner_->purge_transcripts(before);
    }

private:
    std::unique_ptr<SessionStore> inner_;
};

}  // namespace

TEST_CASE("serve: graceful shutdown finishes the turn in flight, then closes with 1001", "[serve]") {
    auto memory = open_session_store(StoreOptions{":memory:"});
    REQUIRE(memory);
    auto engine = bundled_engine(":memory:", std::make_unique<SlowStore>(std::move(*memory)));
    RunningServer server{*engine};
    WsClient client{server.port()};
    client.say("2");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the turn is in the slow store now
    server.server().stop();
    const auto reply = client.next();
    CHECK(reply["type"] == "reply");
    CHECK(client.next()["code"] == "shutting_down");
    CHECK_FALSE(client.read());
    CHECK(client.close_code() == 1001);
    server.stop();
    CHECK(server.server().metrics().turns() == 1);
}
