#pragma once
/// One WebSocket connection on /ws, modelled on Beast's chat-multi example: do_x() starts
/// an operation, on_x() completes it; everything runs on the connection's strand; frames to
/// send are queued and written one at a time; engine turns go to the Conversation.
///
/// `Stream` is TcpStream, TlsStream (streams.hpp) or (in tests)
/// beast::test::stream. The definitions are in websocket_session_impl.hpp.

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "conversation.hpp"
#include "http_routes.hpp"
#include "rate_limit.hpp"
#include "shared_state.hpp"

namespace reframe::websocket {

/// Bytes read from the socket at a time; a message is assembled up to max_message_bytes.
inline constexpr std::size_t read_chunk_bytes = 4096;
/// How long the opening and closing handshakes may take.
inline constexpr std::chrono::seconds handshake_timeout{30};

template <class Stream>
class WebsocketSession : public OpenSession, public std::enable_shared_from_this<WebsocketSession<Stream>> {
public:
    /// `ip` is the peer's address, for the per-IP limit (never logged).
    WebsocketSession(Stream&& stream, SharedState& state, std::string ip);
    ~WebsocketSession() override;

    /// Accepts the upgrade `request` and starts reading.
    void run(Request request);
    void shut_down() override;

private:
    boost::beast::websocket::stream<Stream> ws_;
    SharedState& state_;
    std::string ip_;
    std::uint64_t id_;
    std::shared_ptr<Conversation> conversation_;
    boost::beast::flat_buffer buffer_;
    std::deque<std::string> queue_;  // frames to send; the front one is being written
    TokenBucket bucket_;
    boost::asio::steady_timer idle_timer_;
    Clock::time_point last_frame_;
    // Keep-alive: the last time anything (a data or control frame) came from the peer, and
    // when the latest ping was sent (or, while closing, its deadline started): a silence has
    // had its ping once pinged_at_ is later than last_heard_.
    boost::asio::steady_timer ping_timer_;
    Clock::time_point last_heard_;
    Clock::time_point pinged_at_;
    bool ping_in_flight_ = false;
    std::size_t turns_in_flight_ = 0;
    bool started_ = false;  // a hello or say was handled: no hello any more
    bool joined_ = false;
    bool reading_ = false;         // an async_read_some is outstanding
    bool draining_ = false;        // closing for a protocol reason: what is read is discarded
    bool finished_ = false;        // the connection is over
    bool notice_pending_ = false;  // send shutting_down before the close frame
    std::optional<boost::beast::websocket::close_reason> close_after_;  // close once the queue is sent
    bool close_started_ = false;

    void on_accept(boost::beast::error_code ec);
    void do_read();
    void on_read(boost::beast::error_code ec, std::size_t bytes);
    void on_message();
    void handle_text(const std::string& text);
    void start_turn();
    void on_turn_done(std::string frame);
    void send(std::string frame);
    void send_error(ErrorCode code, std::string_view message = {});
    void do_write();
    void on_write(boost::beast::error_code ec, std::size_t bytes);
    void close_when_sent(boost::beast::websocket::close_reason reason);
    void maybe_close();
    void on_close(boost::beast::error_code ec);
    void resume_reading();
    using TimerHandler = void (WebsocketSession::*)(boost::beast::error_code);
    void arm(boost::asio::steady_timer& timer, Clock::duration after, TimerHandler on_fire);
    void on_idle_timer(boost::beast::error_code ec);
    void on_ping_timer(boost::beast::error_code ec);
    void on_ping(boost::beast::error_code ec);
    void finish(boost::beast::error_code ec);
};

}  // namespace reframe::websocket
