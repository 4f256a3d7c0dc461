#pragma once
/// The engine side of one WebSocket connection: hello and say turned into engine work on
/// the server's TurnQueue, answered in the order they came, so SQLite never blocks a
/// network thread. A say's text is analysed (Engine::prepare: no session, no storage) on
/// the calling network thread, so that this part of many turns runs in parallel.
///
/// Thread-safety: hello(), say() and closed() are called on the connection's strand, one
/// at a time. The `deliver` callbacks run on a turn-pool thread, in call order; the
/// MakeFrame they get may be called on any thread, once.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "protocol.hpp"
#include "shared_state.hpp"

namespace reframe::websocket {

class Conversation : public std::enable_shared_from_this<Conversation> {
public:
    /// Makes the frame to send (welcome, reply or error) when called.
    using MakeFrame = std::function<std::string()>;
    /// Gets the frame to send, to be made on the connection's own thread: writing a reply
    /// frame is left to the network threads, off the single thread that runs the turns.
    using Deliver = std::function<void(MakeFrame frame)>;

    explicit Conversation(SharedState& state) : state_(state) {}

    /// Starts or resumes the session of `hello.session`; delivers the welcome frame.
    void hello(Hello hello, Deliver deliver);
    /// One engine turn; delivers exactly one frame (reply, or server_error). `read_at`
    /// starts the latency the metrics count.
    void say(std::string text, std::chrono::steady_clock::time_point read_at, Deliver deliver);
    /// The connection is gone: a connection-scoped session (no hello) is forgotten, since no
    /// one can ever resume it.
    void closed();

private:
    SharedState& state_;
    std::string user_;  // the engine user id; set by hello or the first say (then never again)
    bool connection_scoped_ = false;

    void greet(const std::string& user, const std::string& token, bool presented, const Deliver& deliver);
    /// The frame for a say's answer, with its metrics; runs on the connection's strand, so
    /// the latency counted is the time until the reply frame exists, hops included.
    std::string answer_frame(const tl::expected<Reply, EngineError>& reply,
                             std::chrono::steady_clock::time_point read_at) const;
};

}  // namespace reframe::websocket
