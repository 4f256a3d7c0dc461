#pragma once
// A small Beast WebSocket/HTTP client for the integration tests of `reframe serve`: every
// operation is asynchronous and bounded in time (io_context::run_for), so a broken server
// fails a test instead of hanging it.

#include <catch2/catch.hpp>

#include <array>
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <nlohmann/json.hpp>

namespace reframe::testing {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace http = boost::beast::http;
namespace ws = boost::beast::websocket;

inline constexpr std::chrono::seconds client_timeout{10};

/// Runs `ioc` until `done` or the timeout; true when done.
inline bool run_until(net::io_context& ioc, const bool& done, std::chrono::steady_clock::duration timeout) {
    ioc.restart();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done && std::chrono::steady_clock::now() < deadline) {
        ioc.run_for(std::chrono::milliseconds(20));
        ioc.restart();
    }
    return done;
}

template <bool Tls>
using ClientLayer = std::conditional_t<Tls, beast::ssl_stream<beast::tcp_stream>, beast::tcp_stream>;

/// One WebSocket connection to 127.0.0.1:port.
template <bool Tls = false>
class WsClient {
public:
    explicit WsClient(unsigned short port, std::string origin = {}, std::string target = "/ws")
        : ssl_(net::ssl::context::tls_client), ws_(make_stream()) {
        connect(port, origin, target);
    }

    /// The upgrade's error (e.g. a 403 for a refused Origin); empty when it worked.
    beast::error_code handshake_error() const { return handshake_ec_; }
    const ws::response_type& handshake_response() const { return response_; }

    void write(const std::string& text, bool binary = false) {
        ws_.binary(binary);
        bool done = false;
        beast::error_code result;
        ws_.async_write(net::buffer(text), [&](beast::error_code ec, std::size_t) {
            result = ec;
            done = true;
        });
        REQUIRE(run_until(ioc_, done, client_timeout));
        REQUIRE_FALSE(result);
    }

    void say(const std::string& text) { write(nlohmann::json{{"type", "say"}, {"text", text}}.dump()); }

    /// The next text frame as JSON; nothing when the connection closed (see close_code()).
    std::optional<nlohmann::json> read(std::chrono::steady_clock::duration timeout = client_timeout) {
        start_read();
        if (!run_until(ioc_, read_done_, timeout)) {
            beast::get_lowest_layer(ws_).close();
            run_until(ioc_, read_done_, std::chrono::seconds(1));
            FAIL("no frame within the time limit");
        }
        read_pending_ = false;
        if (read_result_) {
            closed_ = read_result_;
            return std::nullopt;
        }
        return nlohmann::json::parse(beast::buffers_to_string(read_buffer_.data()));
    }

    /// Keeps a read pending for `duration`, as a client that listens but says nothing
    /// (Beast answers the server's pings while a read is pending). True when nothing came
    /// meanwhile; otherwise read() returns what did.
    bool listen_quietly_for(std::chrono::steady_clock::duration duration) {
        start_read();
        run_until(ioc_, read_done_, duration);
        return !read_done_;
    }

    /// Pings the server has sent that this client read.
    int pings_read() const { return pings_; }

    /// Writes `bytes` straight to the TCP connection, around Beast: a misbehaving client.
    void write_raw(const std::string& bytes) {
        bool done = false;
        beast::error_code result;
        net::async_write(beast::get_lowest_layer(ws_), net::buffer(bytes), [&](beast::error_code ec, std::size_t) {
            result = ec;
            done = true;
        });
        REQUIRE(run_until(ioc_, done, client_timeout));
        REQUIRE_FALSE(result);
    }

    /// Reads straight from the TCP connection, around Beast, discarding what comes, until
    /// the server hangs up; false if it has not within `timeout`.
    bool hung_up_within(std::chrono::steady_clock::duration timeout) {
        bool done = false;
        std::array<char, 1024> chunk{};
        std::function<void()> read_on = [&] {
            beast::get_lowest_layer(ws_).async_read_some(net::buffer(chunk), [&](beast::error_code ec, std::size_t) {
                if (ec) {
                    done = true;
                } else {
                    read_on();
                }
            });
        };
        read_on();
        if (run_until(ioc_, done, timeout)) return true;
        beast::get_lowest_layer(ws_).close();
        run_until(ioc_, done, std::chrono::seconds(1));
        return false;
    }

    /// read(), requiring a frame.
    nlohmann::json next() {
        auto frame = read();
        REQUIRE(frame);
        return *frame;
    }

    /// The close code the server sent (after read() returned nothing).
    unsigned close_code() const { return ws_.reason().code; }
    beast::error_code closed_error() const { return closed_; }

    void close() {
        bool done = false;
        ws_.async_close(ws::close_code::normal, [&](beast::error_code) { done = true; });
        run_until(ioc_, done, client_timeout);
    }

private:
    net::io_context ioc_;
    net::ssl::context ssl_;
    ws::stream<ClientLayer<Tls>> ws_;
    beast::error_code handshake_ec_;
    beast::error_code closed_;
    ws::response_type response_;
    beast::flat_buffer read_buffer_;
    bool read_pending_ = false;
    bool read_done_ = false;
    beast::error_code read_result_;
    int pings_ = 0;

    void start_read() {
        if (read_pending_) return;
        read_pending_ = true;
        read_done_ = false;
        read_buffer_.clear();
        ws_.async_read(read_buffer_, [this](beast::error_code ec, std::size_t) {
            read_result_ = ec;
            read_done_ = true;
        });
    }

    ws::stream<ClientLayer<Tls>> make_stream() {
        if constexpr (Tls) {
            ssl_.set_verify_mode(net::ssl::verify_none);  // the tests' self-signed certificate
            return ws::stream<ClientLayer<Tls>>(ioc_, ssl_);
        } else {
            return ws::stream<ClientLayer<Tls>>(ioc_);
        }
    }

    void connect(unsigned short port, const std::string& origin, const std::string& target) {
        bool done = false;
        const net::ip::tcp::endpoint endpoint{net::ip::make_address("127.0.0.1"), port};
        beast::get_lowest_layer(ws_).async_connect(endpoint, [&](beast::error_code ec) {
            handshake_ec_ = ec;
            done = true;
        });
        REQUIRE(run_until(ioc_, done, client_timeout));
        REQUIRE_FALSE(handshake_ec_);
        if constexpr (Tls) {
            done = false;
            ws_.next_layer().async_handshake(net::ssl::stream_base::client, [&](beast::error_code ec) {
                handshake_ec_ = ec;
                done = true;
            });
            REQUIRE(run_until(ioc_, done, client_timeout));
            REQUIRE_FALSE(handshake_ec_);
        }
        ws_.control_callback([this](ws::frame_type kind, beast::string_view) {
            if (kind == ws::frame_type::ping) ++pings_;
        });
        ws_.set_option(ws::stream_base::decorator([origin](ws::request_type& request) {
            if (!origin.empty()) request.set(http::field::origin, origin);
        }));
        done = false;
        ws_.async_handshake(response_, "127.0.0.1:" + std::to_string(port), target, [&](beast::error_code ec) {
            handshake_ec_ = ec;
            done = true;
        });
        REQUIRE(run_until(ioc_, done, client_timeout));
    }
};

/// One HTTP request to 127.0.0.1:port.
template <bool Tls = false>
http::response<http::string_body> http_get(unsigned short port, const std::string& target,
                                           http::verb method = http::verb::get) {
    net::io_context ioc;
    net::ssl::context ssl{net::ssl::context::tls_client};
    ssl.set_verify_mode(net::ssl::verify_none);
    auto stream = [&] {
        if constexpr (Tls) {
            return ClientLayer<Tls>(ioc, ssl);
        } else {
            return ClientLayer<Tls>(ioc);
        }
    }();
    bool done = false;
    beast::error_code result;
    beast::get_lowest_layer(stream).async_connect({net::ip::make_address("127.0.0.1"), port},
                                                  [&](beast::error_code ec) {
                                                      result = ec;
                                                      done = true;
                                                  });
    REQUIRE(run_until(ioc, done, client_timeout));
    REQUIRE_FALSE(result);
    if constexpr (Tls) {
        done = false;
        stream.async_handshake(net::ssl::stream_base::client, [&](beast::error_code ec) {
            result = ec;
            done = true;
        });
        REQUIRE(run_until(ioc, done, client_timeout));
        REQUIRE_FALSE(result);
    }
    http::request<http::empty_body> request{method, target, 11};
    request.set(http::field::host, "127.0.0.1:" + std::to_string(port));
    request.keep_alive(false);
    done = false;
    http::async_write(stream, request, [&](beast::error_code ec, std::size_t) {
        result = ec;
        done = true;
    });
    REQUIRE(run_until(ioc, done, client_timeout));
    REQUIRE_FALSE(result);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.skip(method == http::verb::head);
    done = false;
    http::async_read(stream, buffer, parser, [&](beast::error_code ec, std::size_t) {
        result = ec;
        done = true;
    });
    REQUIRE(run_until(ioc, done, client_timeout));
    REQUIRE_FALSE(result);
    return parser.release();
}

}  // namespace reframe::testing
