// WebsocketSession against beast::test::stream: the protocol of one connection (hello,
// say, errors, limits, shutdown) with the bundled dialogues, and no ports.
#include <catch2/catch.hpp>

#include <boost/beast/_experimental/test/stream.hpp>
#include <nlohmann/json.hpp>

#include "bundled.hpp"
#include "engine_fixture.hpp"
#include "session_token.hpp"
#include "websocket_session_impl.hpp"
#include "ws_client.hpp"

namespace reframe::websocket {
template class WebsocketSession<boost::beast::test::stream>;
}

namespace {

using namespace reframe;
using namespace reframe::websocket;
using nlohmann::json;
using reframe::testing::run_until;
namespace test = boost::beast::test;

const std::string crisis_text = "honestly everyone would be better off without me";
const std::string medical_text = "crushing pain in my chest going down my left arm";

std::string say_frame(const std::string& text) { return json{{"type", "say"}, {"text", text}}.dump(); }

/// An engine over the bundled dialogues in memory, and the shared state of a server.
struct Harness {
    std::unique_ptr<Engine> engine;
    SharedState state;
    net::io_context ioc;

    explicit Harness(ServerConfig config = {}) : engine(make_engine()), state(*engine, std::move(config), nullptr) {}

    static std::unique_ptr<Engine> make_engine() {
        auto store = open_session_store(StoreOptions{":memory:"});
        REQUIRE(store);
        return std::make_unique<Engine>(reframe::testing::bundled(), std::move(*store), reframe::testing::unlimited());
    }
};

/// A client connected to a WebsocketSession<test::stream> through an in-memory pipe.
class PipeClient {
public:
    PipeClient(Harness& h, std::size_t read_limit = 0) : h_(h), ws_(h.ioc) {
        test::stream server_end{h.ioc};
        if (read_limit > 0) server_end.read_size(read_limit);
        ws_.next_layer().connect(server_end);
        auto server = std::make_shared<test::stream>(std::move(server_end));
        auto request = std::make_shared<Request>();
        auto buffer = std::make_shared<beast::flat_buffer>();
        http::async_read(*server, *buffer, *request,
                         [this, server, request, buffer](beast::error_code ec, std::size_t) {
                             REQUIRE_FALSE(ec);
                             std::make_shared<WebsocketSession<test::stream>>(std::move(*server), h_.state, "192.0.2.1")
                                 ->run(std::move(*request));
                         });
        bool done = false;
        ws_.async_handshake("localhost", "/ws", [&](beast::error_code ec) {
            REQUIRE_FALSE(ec);
            done = true;
        });
        REQUIRE(run_until(h.ioc, done, std::chrono::seconds(10)));
    }

    void write(const std::string& text, bool binary = false) {
        ws_.binary(binary);
        bool done = false;
        ws_.async_write(net::buffer(text), [&](beast::error_code ec, std::size_t) {
            REQUIRE_FALSE(ec);
            done = true;
        });
        REQUIRE(run_until(h_.ioc, done, std::chrono::seconds(10)));
    }

    /// The next frame; nothing once the server has closed.
    std::optional<json> read() {
        beast::flat_buffer buffer;
        bool done = false;
        beast::error_code result;
        ws_.async_read(buffer, [&](beast::error_code ec, std::size_t) {
            result = ec;
            done = true;
        });
        REQUIRE(run_until(h_.ioc, done, std::chrono::seconds(10)));
        if (result) return std::nullopt;
        return json::parse(beast::buffers_to_string(buffer.data()));
    }

    json next() {
        auto frame = read();
        REQUIRE(frame);
        return *frame;
    }

    unsigned close_code() const { return ws_.reason().code; }

private:
    Harness& h_;
    ws::stream<test::stream> ws_;
};

}  // namespace

TEST_CASE("session: say gets one reply; hello gets a welcome with a token and the greeting", "[websocket]") {
    Harness h;
    PipeClient client{h};
    client.write(R"({"type":"hello"})");
    const auto welcome = client.next();
    CHECK(welcome["type"] == "welcome");
    CHECK(welcome["resumed"] == false);
    CHECK(is_well_formed_token(welcome["session"].get<std::string>()));
    CHECK_FALSE(welcome["messages"].empty());
    CHECK(welcome["messages"][0].contains("pause_ms"));
    CHECK_FALSE(welcome["state"].get<std::string>().empty());
    CHECK_FALSE(welcome["help"]["url"].get<std::string>().empty());

    client.write(say_frame("1"));
    const auto reply = client.next();
    CHECK(reply["type"] == "reply");
    CHECK_FALSE(reply["messages"].empty());
    CHECK(reply["safety"].is_null());
    CHECK(h.state.metrics().turns() == 1);
}

TEST_CASE("session: a token presented again resumes; a malformed one starts afresh", "[websocket]") {
    Harness h;
    std::string token;
    {
        PipeClient first{h};
        first.write(R"({"type":"hello"})");
        token = first.next()["session"];
        first.write(say_frame("1"));
        first.next();
    }
    PipeClient again{h};
    again.write(json{{"type", "hello"}, {"session", token}}.dump());
    const auto resumed = again.next();
    CHECK(resumed["resumed"] == true);
    CHECK(resumed["session"] == token);
    CHECK(resumed["messages"].empty());
    CHECK(h.engine->store().load(user_id_for_token(token)).value().has_value());

    PipeClient stranger{h};
    stranger.write(R"({"type":"hello","session":"../../etc/passwd"})");
    const auto fresh = stranger.next();
    CHECK(fresh["resumed"] == false);
    CHECK(fresh["session"] != "../../etc/passwd");
    CHECK(is_well_formed_token(fresh["session"].get<std::string>()));
}

TEST_CASE("session: pipelined says get one reply each, in order", "[websocket]") {
    Harness h;
    PipeClient client{h};
    const std::vector<std::string> texts{"2",          "im so useless", crisis_text, "i should be over this",
                                         medical_text, "thank you"};
    for (const auto& text : texts) client.write(say_frame(text));
    std::vector<json> safety;
    for (std::size_t i = 0; i < texts.size(); ++i) {
        const auto frame = client.next();
        REQUIRE(frame["type"] == "reply");
        safety.push_back(frame["safety"]);
    }
    CHECK(safety == std::vector<json>{nullptr, nullptr, "crisis", nullptr, "medical_urgent", nullptr});
    CHECK(h.state.metrics().turns() == texts.size());
}

TEST_CASE("session: each bad frame gets its error and the connection stays usable", "[websocket]") {
    Harness h;
    PipeClient client{h};
    const auto error_code = [&](const std::string& frame, bool binary = false) {
        client.write(frame, binary);
        const auto answer = client.next();
        CHECK(answer["type"] == "error");
        return answer["code"].get<std::string>();
    };
    CHECK(error_code(say_frame("hi"), true) == "bad_frame");
    CHECK(error_code("{not json") == "bad_json");
    CHECK(error_code(R"({"type":"shout"})") == "unknown_type");
    CHECK(error_code(R"({"type":"say","text":["a"]})") == "bad_frame");
    client.write(say_frame("2"));
    CHECK(client.next()["type"] == "reply");
    CHECK(error_code(R"({"type":"hello"})") == "bad_frame");  // hello only as the first frame
    client.write(say_frame("im so lazy"));
    CHECK(client.next()["type"] == "reply");
    CHECK(h.state.metrics().errors(ErrorCode::bad_frame) == 3);
}

TEST_CASE("session: an oversized message gets too_large, then a 1009 close", "[websocket]") {
    ServerConfig config;
    config.limits.max_message_bytes = 1024;
    Harness h{config};
    PipeClient client{h};
    client.write(say_frame(std::string(5000, 'a')));
    const auto error = client.next();
    CHECK(error["code"] == "too_large");
    CHECK_FALSE(client.read());
    CHECK(client.close_code() == 1009);
}

TEST_CASE("session: invalid UTF-8 closes with 1007", "[websocket]") {
    Harness h;
    PipeClient client{h};
    client.write("{\"type\":\"say\",\"text\":\"\xff\xfe\"}");
    CHECK_FALSE(client.read());
    CHECK(client.close_code() == 1007);
    CHECK(h.state.metrics().errors(ErrorCode::invalid_utf8) == 1);
}

TEST_CASE("session: a flood gets rate_limited errors, every frame answered once", "[websocket]") {
    ServerConfig config;
    config.limits.per_connection = {60, 3};
    Harness h{config};
    PipeClient client{h};
    for (int i = 0; i < 8; ++i) client.write(say_frame("2"));
    int replies = 0;
    int limited = 0;
    for (int i = 0; i < 8; ++i) {
        const auto frame = client.next();
        if (frame["type"] == "reply") ++replies;
        if (frame["type"] == "error" && frame["code"] == "rate_limited") ++limited;
    }
    CHECK(replies == 3);
    CHECK(limited == 5);
}

TEST_CASE("session: over max_connections a client gets server_busy and a 1013 close", "[websocket]") {
    ServerConfig config;
    config.limits.max_connections = 1;
    Harness h{config};
    PipeClient first{h};
    PipeClient second{h};
    CHECK(second.next()["code"] == "server_busy");
    CHECK_FALSE(second.read());
    CHECK(second.close_code() == 1013);
    first.write(say_frame("2"));
    CHECK(first.next()["type"] == "reply");
}

TEST_CASE("session: shutdown answers the turns in flight, then shutting_down and a 1001 close", "[websocket]") {
    Harness h;
    PipeClient client{h};
    for (int i = 0; i < 4; ++i) client.write(say_frame("2"));
    h.state.shut_down_sessions();
    for (int i = 0; i < 4; ++i) CHECK(client.next()["type"] == "reply");
    CHECK(client.next()["code"] == "shutting_down");
    CHECK_FALSE(client.read());
    CHECK(client.close_code() == 1001);
}
