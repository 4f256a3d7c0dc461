#pragma once
/// Accepts TCP connections and starts an HttpSession (plain or TLS) on a new strand for
/// each. Modelled on Beast's chat-multi listener.

#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>
#include <tl/expected.hpp>

#include "shared_state.hpp"
#include "streams.hpp"

namespace reframe::websocket {

/// How long the listener waits before accepting again after an error such as EMFILE.
inline constexpr std::chrono::milliseconds accept_retry_delay{100};

class Listener : public std::enable_shared_from_this<Listener> {
public:
    /// `tls` null: plain HTTP.
    Listener(boost::asio::io_context& ioc, SharedState& state, std::shared_ptr<boost::asio::ssl::context> tls);

    /// Opens, binds and listens on `endpoint` (port 0: an ephemeral one); says why not.
    tl::expected<void, std::string> open(const boost::asio::ip::tcp::endpoint& endpoint);
    /// The port bound by open().
    unsigned short port() const;
    void run();
    /// Stops accepting (thread-safe).
    void stop();

private:
    boost::asio::io_context& ioc_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer retry_timer_;  // after a failed accept (e.g. out of file descriptors)
    SharedState& state_;
    std::shared_ptr<boost::asio::ssl::context> tls_;

    void do_accept();
    void on_accept(boost::beast::error_code ec, TcpSocket socket);
};

}  // namespace reframe::websocket
