// `reframe serve` keeping connections alive and letting them go, over 127.0.0.1 with a real
// (Beast) client: pings to a quiet client, a peer that stops answering them dropped, the
// idle timeout's close. The intervals are cut to fractions of a second.
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

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

/// The open connections /metrics counts, once it is `expected` or 2 s have passed: a
/// connection is counted (and let go) on the server's thread, which may trail the client's.
std::string open_connections_settled(unsigned short port, const std::string& expected) {
    const auto deadline = std::chrono::steady_clock::now() + 2s;
    auto count = open_connections(port);
    while (count != expected && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(20ms);
        count = open_connections(port);
    }
    return count;
}

}  // namespace

TEST_CASE("serve: a client that listens quietly is pinged and kept; one that stops reading is dropped",
          "[serve][keepalive]") {
    auto engine = bundled_engine();
    auto config = test_config();
    config.limits.ping_interval = 300ms;
    RunningServer server{*engine, config};
    WsClient listening{server.port()};
    WsClient deaf{server.port()};  // never reads, so never answers a ping
    CHECK(open_connections_settled(server.port(), "2") == "2");

    // Nothing to read but pings: each comes after 300 ms of silence, and its pong counts as
    // hearing from the client, so they keep coming and the connection stays.
    CHECK(listening.listen_quietly_for(2000ms));
    CHECK(listening.pings_read() >= 3);

    // The deaf client was pinged once, and dropped 300 ms later without a close handshake.
    CHECK(open_connections_settled(server.port(), "1") == "1");
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
    config.limits.ping_interval = 200ms;
    config.limits.idle_timeout = 1000ms;
    RunningServer server{*engine, config};

    // Answering pings is not saying anything: the quiet client gets the close frame.
    const auto connecting = std::chrono::steady_clock::now();
    WsClient quiet{server.port()};
    CHECK_FALSE(quiet.listen_quietly_for(5s));
    CHECK(std::chrono::steady_clock::now() - connecting >= 1000ms);
    CHECK_FALSE(quiet.read());
    CHECK(quiet.close_code() == static_cast<unsigned>(ws::close_code::going_away));
    CHECK(quiet.pings_read() >= 3);

    // Saying something every 250 ms or so keeps a connection open past it.
    WsClient talking{server.port()};
    const auto started = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - started < 1600ms) {
        talking.say("my back hurts again today");
        CHECK(talking.next()["type"] == "reply");
        CHECK(talking.listen_quietly_for(250ms));
    }
    talking.say("thank you");
    CHECK(talking.next()["type"] == "reply");
    talking.close();
}

TEST_CASE("serve: a client that sends a close frame and never hangs up is let go all the same", "[serve][keepalive]") {
    auto engine = bundled_engine();
    auto config = test_config();
    config.limits.ping_interval = 300ms;
    config.limits.idle_timeout = 400ms;  // fires while the close waits for the client
    RunningServer server{*engine, config};
    WsClient client{server.port()};
    // A masked close frame (code 1000) written around Beast, which then reads nothing: the
    // server answers it and waits for the client to hang up, which it never does.
    client.write_raw(std::string{"\x88\x82\x01\x02\x03\x04", 6} + std::string{"\x02\xea", 2});
    CHECK(client.hung_up_within(5s));
    CHECK(open_connections_settled(server.port(), "0") == "0");
}
