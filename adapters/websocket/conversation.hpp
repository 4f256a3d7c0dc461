#pragma once
/// The engine side of one WebSocket connection: hello and say turned into engine calls on
/// the turn thread pool, one at a time and in order (a strand of the pool per connection),
/// so SQLite never blocks a network thread and different people run in parallel.
///
/// Thread-safety: hello(), say() and closed() may be called from any thread; the work and
/// the `deliver` callbacks run on the conversation's strand of the turn pool, in call order.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

#include "protocol.hpp"
#include "shared_state.hpp"

namespace reframe::websocket {

class Conversation : public std::enable_shared_from_this<Conversation> {
public:
    /// Gets the frame to send (welcome, reply or error) on the turn strand.
    using Deliver = std::function<void(std::string frame)>;

    explicit Conversation(SharedState& state);

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
    boost::asio::strand<boost::asio::thread_pool::executor_type> strand_;
    std::string user_;  // the engine user id; set by hello or the first say (on the strand)
    bool connection_scoped_ = false;

    void start_hello(const Hello& hello, const Deliver& deliver);
    void run_say(const std::string& text, std::chrono::steady_clock::time_point read_at, const Deliver& deliver);
};

}  // namespace reframe::websocket
