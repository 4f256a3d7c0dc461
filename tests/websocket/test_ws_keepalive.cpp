// `reframe serve` keeping connections alive and letting them go, over 127.0.0.1 with a real
// (Beast) client: pings to a quiet client, a peer that stops answering them dropped, the
// idle timeout's close. The intervals are cut to fractions of a second.
#include <catch2/catch.hpp>

#include <chrono>

#include "serve_fixture.hpp"
#include "ws_client.hpp"

using namespace reframe;
using namespace reframe::testing;
using namespace std::chrono_literals;

namespace {

std::string open_connections(unsigned short port) {
    const auto body = http_get(port, "/metrics").body();
    const std::string name = "reframe_open_connections ";
    const auto at = body.find("\n" + name);
    if (at == std::string::npos) return "(missing)";
    const auto from = at + 1 + name.size();
    return body.substr(from, body.find('\n', from) - from);
}

}  // namespace

TEST_CASE("serve: a client that listens quietly is pinged and kept; one that stops reading is dropped",
          "[serve][keepalive]") {
    auto engine = bundled_engine();
    auto config = test_config();
    config.limits.ping_interval = 150ms;
    RunningServer server{*engine, config};
    WsClient listening{server.port()};
    WsClient deaf{server.port()};  // never reads, so never answers a ping
    CHECK(open_connections(server.port()) == "2");

    // Nothing to read but pings: each comes after 150 ms of silence, and its pong counts as
    // hearing from the client, so they keep coming and the connection stays.
    CHECK(listening.listen_quietly_for(1200ms));
    CHECK(listening.pings_read() >= 3);

    // The deaf client was pinged once, and dropped 150 ms later without a close handshake.
    CHECK(open_connections(server.port()) == "1");
    CHECK_FALSE(deaf.read(5s));
    CHECK(deaf.closed_error() != ws::error::closed);
    CHECK(deaf.pings_read() == 1);

    listening.say("i should be over this by now");
    CHECK(listening.next()["type"] == "reply");
    listening.close();
}

TEST_CASE("serve: a client that says nothing for idle_timeout is closed with 1001, pongs or not",
          "[serve][keepalive]") {
    auto engine = bundled_engine();
    auto config = test_config();
    config.limits.ping_interval = 100ms;
    config.limits.idle_timeout = 700ms;
    RunningServer server{*engine, config};

    // Answering pings is not saying anything: the quiet client gets the close frame.
    WsClient quiet{server.port()};
    const auto connected = std::chrono::steady_clock::now();
    CHECK_FALSE(quiet.listen_quietly_for(5s));
    CHECK(std::chrono::steady_clock::now() - connected >= 700ms);
    CHECK_FALSE(quiet.read());
    CHECK(quiet.close_code() == static_cast<unsigned>(ws::close_code::going_away));
    CHECK(quiet.pings_read() >= 3);

    // Saying something every 250 ms or so keeps a connection open past it.
    WsClient talking{server.port()};
    const auto started = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - started < 1200ms) {
        talking.say("my back hurts again today");
        CHECK(talking.next()["type"] == "reply");
        CHECK(talking.listen_quietly_for(250ms));
    }
    talking.say("thank you");
    CHECK(talking.next()["type"] == "reply");
    talking.close();
}
