#include "http_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "net_errors.hpp"
#include "streams.hpp"
#include "websocket_session.hpp"

namespace reframe::websocket {

namespace beast = boost::beast;
namespace net = boost::asio;

template <class Stream>
constexpr bool is_tls = std::is_same_v<Stream, TlsStream>;

template <class Stream>
HttpSession<Stream>::HttpSession(Stream&& stream, SharedState& state, std::string ip)
    : stream_(std::move(stream)), state_(state), ip_(std::move(ip)) {}

template <class Stream>
void HttpSession<Stream>::run() {
    // Start on the connection's strand (the accepting one is the listener's).
    net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
        if constexpr (is_tls<Stream>) {
            beast::get_lowest_layer(self->stream_).expires_after(http_timeout);
            self->stream_.async_handshake(net::ssl::stream_base::server,
                                          beast::bind_front_handler(&HttpSession::on_handshake, self));
        } else {
            self->do_read();
        }
    });
}

template <class Stream>
void HttpSession<Stream>::on_handshake(beast::error_code ec) {
    if (ec) return fail(state_.logger(), ec, "tls handshake");
    do_read();
}

template <class Stream>
void HttpSession<Stream>::do_read() {
    parser_.emplace();
    parser_->body_limit(state_.config().limits.max_http_body_bytes);
    parser_->header_limit(16 * 1024);
    beast::get_lowest_layer(stream_).expires_after(http_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&HttpSession::on_read, this->shared_from_this()));
}

template <class Stream>
void HttpSession<Stream>::on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream) return do_close();
    if (ec) return fail(state_.logger(), ec, "http read");
    state_.metrics().http_request();
    auto request = parser_->release();
    if (beast::websocket::is_upgrade(request)) return upgrade(std::move(request));
    const bool stopping = state_.shutting_down();
    auto response = route_request(request, state_.metrics(), stopping, is_tls<Stream>);
    if (stopping) response.keep_alive(false);
    write(std::move(response));
}

template <class Stream>
void HttpSession<Stream>::upgrade(Request request) {
    const auto target = to_std(request.target());
    if (target.substr(0, target.find('?')) != websocket_path) {
        return write(text_response(request, http::status::not_found, "WebSocket upgrades go to /ws\n", is_tls<Stream>));
    }
    if (!origin_allowed(request, state_.config().allowed_origins, is_tls<Stream>)) {
        state_.metrics().origin_rejected();
        auto response =
            text_response(request, http::status::forbidden, "this origin may not open /ws\n", is_tls<Stream>);
        response.keep_alive(false);
        return write(std::move(response));
    }
    std::make_shared<WebsocketSession<Stream>>(std::move(stream_), state_, std::move(ip_))->run(std::move(request));
}

template <class Stream>
void HttpSession<Stream>::write(Response response) {
    const bool keep_alive = response.keep_alive();
    auto shared = std::make_shared<Response>(std::move(response));
    http::async_write(stream_, *shared,
                      [self = this->shared_from_this(), shared, keep_alive](beast::error_code ec, std::size_t n) {
                          self->on_write(keep_alive, ec, n);
                      });
}

template <class Stream>
void HttpSession<Stream>::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
    if (ec) return fail(state_.logger(), ec, "http write");
    if (!keep_alive) return do_close();
    do_read();
}

template <class Stream>
void HttpSession<Stream>::do_close() {
    if constexpr (is_tls<Stream>) {
        beast::get_lowest_layer(stream_).expires_after(http_timeout);
        stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {});
    } else {
        beast::error_code ec;
        stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
    }
}

template class HttpSession<TcpStream>;
template class HttpSession<TlsStream>;

}  // namespace reframe::websocket
