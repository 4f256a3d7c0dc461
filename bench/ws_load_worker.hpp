#pragma once
/// One of ws_load's threads (bench/ws_load.cpp): an epoll loop over its share of the
/// connections. It opens them a window at a time, and on the main thread's word lets each
/// send its says one after another (or hold the connection, idle), counting what comes back.
///
/// Thread-safety: the connections belong to the worker's thread while it runs; the main
/// thread talks to it through command() only, and reads the connections after join().

#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ws_frames.hpp"
#include "ws_load_options.hpp"

namespace wsload {

using steady = std::chrono::steady_clock;

/// What the workers tell the main thread: how many connections finished each phase.
struct Progress {
    std::mutex mutex;
    std::condition_variable changed;
    std::size_t opened = 0;    // handshake done (or failed)
    std::size_t finished = 0;  // all says answered (or the connection failed)
    steady::time_point last_finish{};

    void count(std::size_t Progress::*counter);
};

enum class Phase { connecting, handshaking, open, saying, grace, idle, closing, closed };

/// One connection: its socket, what is buffered either way, and what it counted.
struct Connection {
    std::size_t id = 0;
    int fd = -1;
    Phase phase = Phase::connecting;
    std::string key;      // the handshake's Sec-WebSocket-Key
    std::string in;       // bytes read and not parsed yet
    std::string out;      // bytes the socket has not taken yet
    std::string message;  // a fragmented message being put together
    bool in_message = false;
    bool opening = false;  // one of the window being opened
    bool counted_open = false, counted_finish = false;

    std::size_t sent = 0, replies = 0, errors = 0, unexpected = 0, duplicates = 0;
    bool open = false, failed = false;
    std::string first_error;  // the first error frame, for the report on stderr
    std::string failure;      // why the connection failed, when it did
    std::vector<std::uint32_t> rtt_us;
    steady::time_point sent_at{};
    steady::time_point grace_until{};
};

class Worker {
public:
    enum Command : unsigned { start_says = 1, close_idle = 2, quit = 4 };

    Worker(const Options& options, Progress& progress, const sockaddr_storage& address, socklen_t address_size,
           std::vector<Connection*> connections);
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;
    ~Worker();

    /// Starts the thread; it begins opening its connections.
    void run();
    /// Asks the thread to act (any thread may call it).
    void command(Command what);
    /// Waits for the thread to end (after command(quit)).
    void join();

private:
    void loop();
    void take_commands();
    void open_next();
    void on_event(Connection& c, std::uint32_t events);
    void on_connected(Connection& c);
    void read(Connection& c, bool to_the_end);
    void closed_by_server(Connection& c);
    void parse(Connection& c);
    bool on_frame(Connection& c, const Frame& frame);
    void on_message(Connection& c, std::string_view text);
    void start(Connection& c);
    void send_next(Connection& c);
    void send_frame(Connection& c, Opcode opcode, std::string_view payload);
    void flush(Connection& c);
    void send_close(Connection& c);
    void end_grace(steady::time_point now);
    void opened(Connection& c, bool ok);
    void finish(Connection& c);
    void fail(Connection& c, std::string why);
    void close_socket(Connection& c);
    std::uint32_t next_random();

    const Options& options_;
    Progress& progress_;
    sockaddr_storage address_;
    socklen_t address_size_;
    std::vector<Connection*> connections_;
    std::size_t next_to_open_ = 0;
    std::size_t opening_ = 0;
    bool in_open_next_ = false;
    std::deque<Connection*> in_grace_;  // in the order they entered it: the same delay for all
    std::string frame_;                 // scratch for one outgoing frame
    std::uint64_t random_state_;
    int epoll_fd_ = -1;
    int wake_fd_ = -1;
    std::atomic<unsigned> commands_{0};
    bool says_started_ = false;
    bool quitting_ = false;
    std::thread thread_;
};

}  // namespace wsload
