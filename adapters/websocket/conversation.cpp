#include "conversation.hpp"

#include <spdlog/logger.h>
#include <boost/asio/post.hpp>

#include "session_token.hpp"

namespace reframe::websocket {

namespace net = boost::asio;

Conversation::Conversation(SharedState& state) : state_(state), strand_(net::make_strand(state.turn_pool())) {}

void Conversation::hello(Hello hello, Deliver deliver) {
    net::post(strand_, [self = shared_from_this(), hello = std::move(hello), deliver = std::move(deliver)] {
        self->start_hello(hello, deliver);
    });
}

void Conversation::say(std::string text, std::chrono::steady_clock::time_point read_at, Deliver deliver) {
    net::post(strand_, [self = shared_from_this(), text = std::move(text), read_at, deliver = std::move(deliver)] {
        self->run_say(text, read_at, deliver);
    });
}

void Conversation::closed() {
    net::post(strand_, [self = shared_from_this()] {
        if (!self->connection_scoped_) return;
        if (auto forgotten = self->state_.engine().forget(self->user_); !forgotten && self->state_.logger()) {
            self->state_.logger()->warn("websocket: could not forget a connection-scoped session: {}",
                                        forgotten.error().message);
        }
    });
}

void Conversation::start_hello(const Hello& hello, const Deliver& deliver) {
    const bool presented = hello.session && is_well_formed_token(*hello.session);
    const std::string token = presented ? *hello.session : new_session_token();
    user_ = user_id_for_token(token);
    bool resumed = false;
    if (presented) {
        auto stored = state_.engine().store().load(user_);
        resumed = stored && stored->has_value();
    }
    auto greeting = state_.engine().greet(user_);
    if (!greeting) {
        if (state_.logger()) state_.logger()->error("websocket: greeting failed: {}", greeting.error().message);
        state_.metrics().error_sent(ErrorCode::server_error);
        deliver(error_frame(ErrorCode::server_error));
        return;
    }
    state_.metrics().session_started(resumed);
    deliver(welcome_frame(token, resumed, *greeting, state_.help_link()));
}

void Conversation::run_say(const std::string& text, std::chrono::steady_clock::time_point read_at,
                           const Deliver& deliver) {
    if (user_.empty()) {
        user_ = connection_user_id();
        connection_scoped_ = true;
    }
    auto reply = state_.engine().respond(user_, text);
    if (!reply) {
        if (state_.logger()) state_.logger()->error("websocket: turn failed: {}", reply.error().message);
        state_.metrics().error_sent(ErrorCode::server_error);
        deliver(error_frame(ErrorCode::server_error));
        return;
    }
    state_.metrics().turn_done(std::chrono::steady_clock::now() - read_at, reply->safety);
    deliver(reply_frame(*reply));
}

}  // namespace reframe::websocket
