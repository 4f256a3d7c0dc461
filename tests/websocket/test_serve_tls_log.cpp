// `reframe serve` over TLS (a self-signed certificate made by the openssl CLI for the test),
// and its log at trace level, which must never hold what a person wrote.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <map>
#include <sstream>

#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include "log_leaks.hpp"
#include "serve_fixture.hpp"
#include "temp_dir.hpp"
#include "ws_client.hpp"

using namespace reframe;
using namespace reframe::testing;

TEST_CASE("serve: TLS with a self-signed certificate: HTTPS, wss:// and the HSTS header", "[serve][http]") {
    TempDir dir;
    const auto cert = dir.file("cert.pem").string();
    const auto key = dir.file("key.pem").string();
    const auto command =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
        "-subj /CN=127.0.0.1 -keyout '" +
        key + "' -out '" + cert + "' 2>/dev/null";
    REQUIRE(std::system(command.c_str()) == 0);
    auto engine = bundled_engine();
    auto config = test_config();
    config.tls.cert = cert;
    config.tls.key = key;
    RunningServer server{*engine, config};
    const auto page = http_get<true>(server.port(), "/");
    CHECK(page.result() == http::status::ok);
    CHECK(page["Strict-Transport-Security"] == "max-age=31536000");
    WsClient<true> client{server.port()};
    REQUIRE_FALSE(client.handshake_error());
    client.write(R"({"type":"hello"})");
    CHECK(client.next()["type"] == "welcome");
    client.say("2");
    CHECK(client.next()["type"] == "reply");
    client.close();

    auto wrong = test_config();
    wrong.tls.cert = cert;
    wrong.tls.key = dir.file("missing.pem").string();
    websocket::Server refused{*engine, wrong, nullptr};
    const auto started = refused.start();
    REQUIRE_FALSE(started);
    CHECK_THAT(started.error(), Catch::Contains("cannot use the TLS key"));
}

TEST_CASE("serve: no message text reaches the log, even at trace level", "[serve][log]") {
    std::ostringstream out;
    auto logger = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
    logger->set_level(spdlog::level::trace);
    auto store = open_session_store(StoreOptions{":memory:"});
    REQUIRE(store);
    EngineOptions options = unlimited();
    options.logger = logger;
    Engine engine{bundled(), std::move(*store), options};
    auto config = test_config();
    config.limits.max_message_bytes = 64 * 1024;
    {
        RunningServer server{engine, config, logger};
        std::map<std::string, std::unique_ptr<WsClient<>>> clients;
        for (const auto& message : conversation()) {
            auto& client = clients[message.user];
            if (!client) client = std::make_unique<WsClient<>>(server.port());
            client->say(message.text);
            CHECK(client->next()["type"] == "reply");
        }
        WsClient<> bad{server.port()};
        bad.write("{\"type\":\"whisper\",\"text\":\"my neighbour Gwendolyn\"}");
        CHECK(bad.next()["code"] == "unknown_type");
        bad.write("{\"text\":\"Bartholomew lasagne");
        CHECK(bad.next()["code"] == "bad_json");
        for (auto& [user, client] : clients) client->close();
    }
    logger->flush();
    const auto log = out.str();
    CHECK_THAT(log, Catch::Contains("serve: listening on"));
    const auto found = leaks(log, conversation());
    CHECK(found.empty());
    for (const auto& phrase : found) UNSCOPED_INFO("leaked: " << phrase);
    CHECK(log.find("Gwendolyn") == std::string::npos);
    CHECK(log.find("Bartholomew") == std::string::npos);
}
