#include "conversation.hpp"

#include <spdlog/logger.h>

#include "session_token.hpp"
#include "turn_queue.hpp"

namespace reframe::websocket {

void Conversation::hello(Hello hello, Deliver deliver) {
    const bool presented = hello.session && is_well_formed_token(*hello.session);
    std::string token = presented ? *hello.session : new_session_token();
    user_ = user_id_for_token(token);
    state_.turns().run([self = shared_from_this(), user = user_, token = std::move(token), presented,
                        deliver = std::move(deliver)] { self->greet(user, token, presented, deliver); });
}

void Conversation::say(std::string text, std::chrono::steady_clock::time_point read_at, Deliver deliver) {
    if (user_.empty()) {
        user_ = connection_user_id();
        connection_scoped_ = true;
    }
    // Normalising and matching the text needs no session: it runs here, on the network
    // thread, in parallel with the turns (which one thread runs, in order).
    state_.turns().say(
        state_.engine().prepare(Message{user_, std::move(text)}),
        [self = shared_from_this(), read_at, deliver = std::move(deliver)](auto reply) {
            deliver([self, read_at, reply = std::move(reply)] { return self->answer_frame(reply, read_at); });
        });
}

void Conversation::closed() {
    if (!connection_scoped_) return;
    state_.turns().forget(user_, [&state = state_](const tl::expected<int, EngineError>& forgotten) {
        if (!forgotten && state.logger()) {
            state.logger()->warn("websocket: could not forget a connection-scoped session: {}",
                                 forgotten.error().message);
        }
    });
}

void Conversation::greet(const std::string& user, const std::string& token, bool presented, const Deliver& deliver) {
    bool resumed = false;
    if (presented) {
        auto stored = state_.engine().store().load(user);
        resumed = stored && stored->has_value();
    }
    auto greeting = state_.engine().greet(user);
    if (!greeting) {
        if (state_.logger()) state_.logger()->error("websocket: greeting failed: {}", greeting.error().message);
        state_.metrics().error_sent(ErrorCode::server_error);
        deliver([] { return error_frame(ErrorCode::server_error); });
        return;
    }
    state_.metrics().session_started(resumed);
    deliver([frame = welcome_frame(token, resumed, *greeting, state_.help_link())] { return frame; });
}

std::string Conversation::answer_frame(const tl::expected<Reply, EngineError>& reply,
                                       std::chrono::steady_clock::time_point read_at) const {
    if (!reply) {
        if (state_.logger()) state_.logger()->error("websocket: turn failed: {}", reply.error().message);
        state_.metrics().error_sent(ErrorCode::server_error);
        return error_frame(ErrorCode::server_error);
    }
    state_.metrics().turn_done(std::chrono::steady_clock::now() - read_at, reply->safety);
    return reply_frame(*reply);
}

}  // namespace reframe::websocket
