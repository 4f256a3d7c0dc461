#pragma once
/// WebsocketSession<Stream>: closing, pausing, the idle timer and the end of a connection
/// (the second half of websocket_session_impl.hpp, which includes it).

#include "websocket_session_impl.hpp"

namespace reframe::websocket {

template <class Stream>
void WebsocketSession<Stream>::close_when_sent(ws::close_reason reason) {
    if (close_after_) return;
    close_after_ = reason;
    maybe_close();
}

template <class Stream>
void WebsocketSession<Stream>::maybe_close() {
    if (!close_after_ || close_started_ || finished_ || !queue_.empty() || turns_in_flight_ > 0) return;
    if (notice_pending_) {
        notice_pending_ = false;
        return send_error(ErrorCode::shutting_down);  // on_write comes back here
    }
    close_started_ = true;
    idle_timer_.cancel();  // the ping timer stays: the close must end too (on_ping_timer)
    ws_.async_close(*close_after_, beast::bind_front_handler(&WebsocketSession::on_close, this->shared_from_this()));
}

template <class Stream>
void WebsocketSession<Stream>::on_close(beast::error_code ec) {
    if (ec) fail(state_.logger(), ec, "websocket close");
    if (!reading_) finish(ec);  // else the pending read ends and finishes
}

template <class Stream>
void WebsocketSession<Stream>::resume_reading() {
    if (reading_ || finished_ || close_started_) return;
    const auto limit = state_.config().limits.queue_limit;
    // Back-pressure: a client that sends faster than it reads waits in TCP, not in memory.
    if (queue_.size() >= limit || turns_in_flight_ >= limit) return;
    do_read();
}

template <class Stream>
void WebsocketSession<Stream>::shut_down() {
    net::post(ws_.get_executor(), [self = this->shared_from_this()] {
        if (self->finished_ || self->close_after_) return;
        self->notice_pending_ = true;
        self->close_when_sent(ws::close_code::going_away);
    });
}

template <class Stream>
void WebsocketSession<Stream>::arm(net::steady_timer& timer, Clock::duration after, TimerHandler on_fire) {
    timer.expires_after(after);
    timer.async_wait(beast::bind_front_handler(on_fire, this->shared_from_this()));
}

template <class Stream>
void WebsocketSession<Stream>::on_idle_timer(beast::error_code ec) {
    if (ec || finished_ || close_after_ || !ws_.is_open()) return;  // closing already
    const auto idle = state_.config().limits.idle_timeout;
    const auto quiet_for = Clock::now() - last_frame_;
    if (quiet_for < idle) return arm(idle_timer_, idle - quiet_for, &WebsocketSession::on_idle_timer);
    close_when_sent(ws::close_reason{ws::close_code::going_away, "idle"});
}

// Keep-alive, as Beast's keep_alive_pings does it but with one timer wait per interval
// instead of one per frame read: once the peer has been silent for ping_interval it gets a
// ping, and once that ping has gone unanswered for ping_interval the connection is dropped.
// The same deadline bounds a connection that is closing (no ping is sent then): Beast times
// only the closes this server starts, and only once they have begun.
template <class Stream>
void WebsocketSession<Stream>::on_ping_timer(beast::error_code ec) {
    if (ec || finished_) return;
    const auto interval = state_.config().limits.ping_interval;
    const auto now = Clock::now();
    if (now - last_heard_ < interval) {
        return arm(ping_timer_, last_heard_ + interval - now, &WebsocketSession::on_ping_timer);
    }
    if (pinged_at_ <= last_heard_) {  // no ping (or deadline) yet for this silence
        pinged_at_ = now;
        if (!ping_in_flight_ && !close_after_ && ws_.is_open()) {
            ping_in_flight_ = true;
            ws_.async_ping({}, beast::bind_front_handler(&WebsocketSession::on_ping, this->shared_from_this()));
        }
        return arm(ping_timer_, interval, &WebsocketSession::on_ping_timer);
    }
    if (now - pinged_at_ < interval) {
        return arm(ping_timer_, pinged_at_ + interval - now, &WebsocketSession::on_ping_timer);
    }
    // No answer: a peer that is gone, or no longer reads. Close the socket, as Beast's own
    // timeout does; the pending read (or close) then fails and finishes the connection.
    beast::get_lowest_layer(ws_).close();
    if (!reading_ && !close_started_) finish(beast::error::timeout);
}

template <class Stream>
void WebsocketSession<Stream>::on_ping(beast::error_code ec) {
    ping_in_flight_ = false;
    if (ec) fail(state_.logger(), ec, "websocket ping");  // the pending read sees the failure too
}

template <class Stream>
void WebsocketSession<Stream>::finish(beast::error_code ec) {
    if (finished_) return;
    finished_ = true;
    if (ec == ws::error::bad_frame_payload) {
        state_.metrics().error_sent(ErrorCode::invalid_utf8);  // Beast has closed with 1007
    } else if (ec == ws::error::message_too_big) {
        state_.metrics().error_sent(ErrorCode::too_large);  // past the backstop: Beast closed with 1009
    } else if (ec) {
        fail(state_.logger(), ec, "websocket read");
    }
    idle_timer_.cancel();
    ping_timer_.cancel();
    conversation_->closed();
    if (joined_) {
        joined_ = false;
        state_.leave(id_);
    }
}

}  // namespace reframe::websocket
