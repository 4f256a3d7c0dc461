#include "listener.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include "http_session.hpp"
#include "net_errors.hpp"

namespace reframe::websocket {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

Listener::Listener(net::io_context& ioc, SharedState& state, std::shared_ptr<net::ssl::context> tls)
    : ioc_(ioc),
      acceptor_(net::make_strand(ioc)),
      retry_timer_(acceptor_.get_executor()),
      state_(state),
      tls_(std::move(tls)) {}

tl::expected<void, std::string> Listener::open(const tcp::endpoint& endpoint) {
    beast::error_code ec;
    const auto failed = [&](const char* what) -> tl::expected<void, std::string> {
        return tl::unexpected(std::string{what} + " " + endpoint.address().to_string() + ":" +
                              std::to_string(endpoint.port()) + ": " + ec.message());
    };
    if (acceptor_.open(endpoint.protocol(), ec); ec) return failed("cannot open");
    if (acceptor_.set_option(net::socket_base::reuse_address(true), ec); ec) return failed("cannot set up");
    if (acceptor_.bind(endpoint, ec); ec) return failed("cannot listen on");
    if (acceptor_.listen(net::socket_base::max_listen_connections, ec); ec) return failed("cannot listen on");
    return {};
}

unsigned short Listener::port() const {
    beast::error_code ec;
    return acceptor_.local_endpoint(ec).port();
}

void Listener::run() { do_accept(); }

void Listener::stop() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
        beast::error_code ec;
        self->acceptor_.close(ec);
        self->retry_timer_.cancel();
    });
}

void Listener::do_accept() {
    // Each connection gets its own strand.
    acceptor_.async_accept(net::make_strand(ioc_), beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
}

void Listener::on_accept(beast::error_code ec, TcpSocket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;  // stopped
    if (ec) {
        // E.g. out of file descriptors: keep serving the open connections, try again soon.
        fail(state_.logger(), ec, "accept");
        retry_timer_.expires_after(accept_retry_delay);
        retry_timer_.async_wait([self = shared_from_this()](beast::error_code timer_ec) {
            if (!timer_ec && self->acceptor_.is_open()) self->do_accept();
        });
        return;
    }
    // Replies are small frames written one at a time: Nagle's algorithm would hold one
    // back until the client acknowledges the previous one (as Node's ws, never wait).
    beast::error_code option_ec;
    socket.set_option(tcp::no_delay(true), option_ec);  // a failure only costs latency
    beast::error_code peer_ec;
    const auto peer = socket.remote_endpoint(peer_ec);
    std::string ip = peer_ec ? std::string{} : peer.address().to_string();
    if (tls_) {
        std::make_shared<HttpSession<TlsStream>>(TlsStream(std::move(socket), *tls_), state_, std::move(ip))->run();
    } else {
        std::make_shared<HttpSession<TcpStream>>(TcpStream(std::move(socket)), state_, std::move(ip))->run();
    }
    do_accept();
}

}  // namespace reframe::websocket
