#pragma once
/// One HTTP connection: reads requests (keep-alive), answers them with http_routes, and
/// hands a /ws upgrade with an allowed Origin to a WebsocketSession. With TLS, the TLS
/// handshake comes first. Modelled on Beast's chat-multi http_session.

#include <memory>
#include <optional>
#include <string>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>

#include "http_routes.hpp"
#include "shared_state.hpp"

namespace reframe::websocket {

/// How long a request (or the TLS handshake) may take to arrive.
inline constexpr std::chrono::seconds http_timeout{30};

/// `Stream` is TcpStream or TlsStream (streams.hpp).
template <class Stream>
class HttpSession : public std::enable_shared_from_this<HttpSession<Stream>> {
public:
    /// `ip` is the peer's address (for the per-IP limit of a WebSocket; never logged).
    HttpSession(Stream&& stream, SharedState& state, std::string ip);
    void run();

private:
    Stream stream_;
    SharedState& state_;
    std::string ip_;
    boost::beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;

    void on_handshake(boost::beast::error_code ec);
    void do_read();
    void on_read(boost::beast::error_code ec, std::size_t bytes);
    void upgrade(Request request);
    void write(Response response);
    void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);
    void do_close();
};

}  // namespace reframe::websocket
