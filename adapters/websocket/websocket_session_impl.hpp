#pragma once
/// The definitions of WebsocketSession<Stream>; included by websocket_session.cpp (which
/// instantiates the real streams) and by the tests (beast::test::stream).

#include <spdlog/logger.h>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/websocket/error.hpp>

#include "net_errors.hpp"
#include "websocket_session.hpp"

namespace reframe::websocket {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace ws = boost::beast::websocket;

template <class Stream>
WebsocketSession<Stream>::WebsocketSession(Stream&& stream, SharedState& state, std::string ip)
    : ws_(std::move(stream)),
      state_(state),
      ip_(std::move(ip)),
      id_(state.next_id()),
      conversation_(std::make_shared<Conversation>(state)),
      bucket_(state.config().limits.per_connection),
      idle_timer_(ws_.get_executor()),
      ping_timer_(ws_.get_executor()) {}

template <class Stream>
WebsocketSession<Stream>::~WebsocketSession() {
    if (joined_) state_.leave(id_);
}

template <class Stream>
void WebsocketSession<Stream>::run(Request request) {
    // The websocket stream has its own timeouts; the TCP layer's would cut idle people off.
    if constexpr (requires(Stream & s) { beast::get_lowest_layer(s).expires_never(); }) {
        beast::get_lowest_layer(ws_).expires_never();
    }
    const auto& limits = state_.config().limits;
    // Beast times the opening handshake and the closes this server starts. The pings of an
    // open connection, and the deadline of any close, are this session's own
    // (on_ping_timer): Beast's keep_alive_pings re-arms a timer for every frame read, which
    // cost the server about a twentieth of its CPU under load.
    ws::stream_base::timeout timeout{};
    timeout.handshake_timeout = handshake_timeout;
    timeout.idle_timeout = ws::stream_base::none();
    timeout.keep_alive_pings = false;
    ws_.set_option(timeout);
    // Control frames (a pong, the client's own ping) count as hearing from the peer; Beast
    // calls this on the strand, inside the pending read.
    ws_.control_callback([this](ws::frame_type, beast::string_view) { last_heard_ = Clock::now(); });
    ws_.set_option(
        ws::stream_base::decorator([](ws::response_type& response) { response.set(http::field::server, "reframe"); }));
    // Beast's own limit is a backstop well above ours, so that an oversized message is read
    // far enough to answer it with a too_large frame before the 1009 close.
    ws_.read_message_max(limits.max_message_bytes * 4 + read_chunk_bytes);
    ws_.auto_fragment(false);
    ws_.async_accept(request, beast::bind_front_handler(&WebsocketSession::on_accept, this->shared_from_this()));
}

template <class Stream>
void WebsocketSession<Stream>::on_accept(beast::error_code ec) {
    if (ec) return fail(state_.logger(), ec, "websocket accept");
    joined_ = state_.join(id_, this->weak_from_this());
    last_frame_ = Clock::now();
    last_heard_ = last_frame_;
    arm(ping_timer_, state_.config().limits.ping_interval, &WebsocketSession::on_ping_timer);
    if (!joined_) {
        const bool stopping = state_.shutting_down();
        send_error(stopping ? ErrorCode::shutting_down : ErrorCode::server_busy);
        draining_ = true;
        close_when_sent(stopping ? ws::close_code::going_away : ws::close_code::try_again_later);
        do_read();  // the close handshake completes through the pending read
        return;
    }
    arm(idle_timer_, state_.config().limits.idle_timeout, &WebsocketSession::on_idle_timer);
    do_read();
}

template <class Stream>
void WebsocketSession<Stream>::do_read() {
    reading_ = true;
    ws_.async_read_some(buffer_, read_chunk_bytes,
                        beast::bind_front_handler(&WebsocketSession::on_read, this->shared_from_this()));
}

template <class Stream>
void WebsocketSession<Stream>::on_read(beast::error_code ec, std::size_t) {
    reading_ = false;
    if (ec) return finish(ec);
    last_frame_ = Clock::now();
    last_heard_ = last_frame_;
    if (draining_) {
        buffer_.consume(buffer_.size());
        return do_read();  // until the close handshake completes
    }
    if (buffer_.size() > state_.config().limits.max_message_bytes) {
        buffer_.consume(buffer_.size());
        send_error(ErrorCode::too_large);
        draining_ = true;
        close_when_sent(ws::close_code::too_big);
        return do_read();
    }
    if (!ws_.is_message_done()) return do_read();
    on_message();
    buffer_.consume(buffer_.size());
    buffer_.shrink_to_fit();  // an idle connection holds no read buffer
    resume_reading();
}

template <class Stream>
void WebsocketSession<Stream>::on_message() {
    if (!bucket_.take() || !state_.ip_limiter().take(ip_)) return send_error(ErrorCode::rate_limited);
    if (!ws_.got_text()) return send_error(ErrorCode::bad_frame, "binary frames are not read; send JSON text");
    handle_text(beast::buffers_to_string(buffer_.data()));
}

template <class Stream>
void WebsocketSession<Stream>::handle_text(const std::string& text) {
    auto frame = parse_client_frame(text);
    if (!frame) return send_error(frame.error().code, frame.error().message);
    if (state_.shutting_down()) return send_error(ErrorCode::shutting_down);
    auto deliver = [self = this->shared_from_this()](Conversation::MakeFrame make_frame) {
        net::post(self->ws_.get_executor(),
                  [self, make_frame = std::move(make_frame)] { self->on_turn_done(make_frame()); });
    };
    if (auto* hello = std::get_if<Hello>(&*frame)) {
        if (started_) return send_error(ErrorCode::bad_frame, "hello is only read as the first frame");
        start_turn();
        conversation_->hello(std::move(*hello), std::move(deliver));
        return;
    }
    start_turn();
    conversation_->say(std::move(std::get<Say>(*frame).text), Clock::now(), std::move(deliver));
}

template <class Stream>
void WebsocketSession<Stream>::start_turn() {
    started_ = true;
    ++turns_in_flight_;
}

template <class Stream>
void WebsocketSession<Stream>::on_turn_done(std::string frame) {
    --turns_in_flight_;
    send(std::move(frame));
    resume_reading();
    maybe_close();
}

template <class Stream>
void WebsocketSession<Stream>::send_error(ErrorCode code, std::string_view message) {
    state_.metrics().error_sent(code);
    send(message.empty() ? error_frame(code) : error_frame(code, message));
}

template <class Stream>
void WebsocketSession<Stream>::send(std::string frame) {
    if (close_started_ || finished_) return;  // the close frame is out: nothing may follow it
    queue_.push_back(std::move(frame));
    if (queue_.size() == 1) do_write();
}

template <class Stream>
void WebsocketSession<Stream>::do_write() {
    ws_.text(true);
    ws_.async_write(net::buffer(queue_.front()),
                    beast::bind_front_handler(&WebsocketSession::on_write, this->shared_from_this()));
}

template <class Stream>
void WebsocketSession<Stream>::on_write(beast::error_code ec, std::size_t) {
    if (ec) {
        queue_.clear();
        return fail(state_.logger(), ec, "websocket write");
    }
    queue_.pop_front();
    if (finished_) return queue_.clear();
    if (!queue_.empty()) return do_write();
    resume_reading();
    maybe_close();
}

}  // namespace reframe::websocket

#include "websocket_session_close.hpp"
