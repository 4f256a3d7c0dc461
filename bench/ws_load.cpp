// ws_load: a WebSocket load client for `reframe serve` and its peers (bench/run_ws.sh).
//
// Opens N connections to one address (a few at a time, so the server's accept backlog never
// overflows), waits until all are open, then lets every connection send `--says` say frames
// one after another, each after the reply to the previous one. Counts what comes back
// (every say must get exactly one reply: a missing one is lost, an extra one a duplicate),
// times each round trip, and prints one JSON line. With `--idle` the connections send
// nothing and are held for `--hold` seconds. With `--server-pid` it adds the server's
// resident memory (VmRSS now, VmHWM peak) from /proc, and the CPU its threads spent inside
// the measured window (ws_load_cpu.hpp), beside the client's own and the machine's.
//
// Model: Boost.Beast's async websocket client example; one io_context per thread, each
// connection lives on one of them, so a connection's counters need no lock.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "ws_load_cpu.hpp"
#include "ws_load_options.hpp"
#include "ws_load_report.hpp"

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using steady = std::chrono::steady_clock;
// Each io_context runs on one thread, so a connection needs no strand, and naming the
// executor's type spares every operation the copies of a type-erased any_io_executor: the
// client's own CPU is taken from the server it measures (both share the machine).
using Executor = net::io_context::executor_type;
using Stream = beast::basic_stream<tcp, Executor>;
using Timer = net::basic_waitable_timer<steady, net::wait_traits<steady>, Executor>;

namespace {

/// What the connections tell the main thread: how many finished each phase.
struct Progress {
    std::mutex mutex;
    std::condition_variable changed;
    std::size_t opened = 0;    // connect + handshake done (or failed)
    std::size_t finished = 0;  // all says answered (or the connection failed)
    steady::time_point last_finish{};

    void count(std::size_t Progress::*counter) {
        std::lock_guard lock(mutex);
        ++(this->*counter);
        if (counter == &Progress::finished) last_finish = steady::now();
        changed.notify_all();
    }
};

/// Messages the load sends in turn: everyday and self-critical text, never a crisis.
const std::vector<std::string>& say_frames() {
    static const std::vector<std::string> frames = [] {
        const char* texts[] = {"im so useless, i cant even do the dishes without my back giving out",
                               "i should be over this by now",
                               "had a quiet day, mostly resting",
                               "everyone else manages to work full time and i cant",
                               "my back hurts again today",
                               "i always ruin everything",
                               "yes",
                               "thank you"};
        std::vector<std::string> out;
        for (const char* text : texts) out.push_back(std::string(R"({"type":"say","text":")") + text + "\"}");
        return out;
    }();
    return frames;
}

bool is_frame_of_type(const std::string& frame, const char* type) {
    const std::string compact = std::string("\"type\":\"") + type + '"';
    const std::string spaced = std::string("\"type\": \"") + type + '"';
    return frame.find(compact) != std::string::npos || frame.find(spaced) != std::string::npos;
}

class Connection : public std::enable_shared_from_this<Connection> {
public:
    Connection(net::io_context& ioc, const Options& options, Progress& progress, std::size_t id)
        : ws_(ioc.get_executor()), timer_(ws_.get_executor()), options_(options), progress_(progress), id_(id) {}

    std::size_t sent = 0, replies = 0, errors = 0, unexpected = 0, duplicates = 0;
    bool open = false, failed = false;
    std::string first_error;  // the first error frame, for the report on stderr
    std::vector<std::uint32_t> rtt_us;

    void run(const tcp::endpoint& endpoint, std::function<void()> on_opened) {
        on_opened_ = std::move(on_opened);
        beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(30));
        beast::get_lowest_layer(ws_).async_connect(
            endpoint, beast::bind_front_handler(&Connection::on_connect, shared_from_this()));
    }

    /// Starts the says (posted from the main thread onto this connection's io_context).
    void start() {
        net::post(ws_.get_executor(), [self = shared_from_this()] {
            if (!self->open) return self->progress_.count(&Progress::finished);
            if (self->options_.idle) return self->read_idle();
            self->send_next();
        });
    }

    /// Closes the connection (after an idle hold).
    void stop() {
        net::post(ws_.get_executor(), [self = shared_from_this()] {
            if (self->open) self->ws_.async_close(websocket::close_code::normal, [self](beast::error_code) {});
        });
    }

private:
    void on_connect(beast::error_code ec) {
        if (ec) return opened(false);
        beast::get_lowest_layer(ws_).expires_never();
        // Small frames, one at a time: never let Nagle's algorithm hold one back.
        beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true), ec);
        ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
        if (!options_.origin.empty()) {
            ws_.set_option(websocket::stream_base::decorator(
                [origin = options_.origin](websocket::request_type& req) { req.set("Origin", origin); }));
        }
        ws_.async_handshake(options_.host_header, options_.path,
                            beast::bind_front_handler(&Connection::on_handshake, shared_from_this()));
    }

    void on_handshake(beast::error_code ec) { opened(!ec); }

    void opened(bool ok) {
        open = ok;
        failed = !ok;
        progress_.count(&Progress::opened);
        if (on_opened_) on_opened_();
        on_opened_ = nullptr;
    }

    void send_next() {
        if (sent == options_.says) return check_duplicates();
        const auto& frames = say_frames();
        frame_ = frames[(id_ + sent) % frames.size()];
        ++sent;
        sent_at_ = steady::now();
        ws_.text(true);
        ws_.async_write(net::buffer(frame_), beast::bind_front_handler(&Connection::on_write, shared_from_this()));
    }

    void on_write(beast::error_code ec, std::size_t) {
        if (ec) return fail();
        ws_.async_read(buffer_, beast::bind_front_handler(&Connection::on_read, shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t) {
        if (ec) return fail();
        const std::string frame = beast::buffers_to_string(buffer_.data());
        buffer_.consume(buffer_.size());
        if (is_frame_of_type(frame, "reply")) {
            ++replies;
            const auto us = std::chrono::duration_cast<std::chrono::microseconds>(steady::now() - sent_at_);
            rtt_us.push_back(static_cast<std::uint32_t>(us.count()));
        } else if (is_frame_of_type(frame, "error")) {
            if (errors++ == 0) first_error = frame;
        } else {
            // Anything else (a welcome nobody asked for) does not answer the say: read on.
            ++unexpected;
            return on_write({}, 0);
        }
        send_next();
    }

    /// After the last reply, anything more within the grace period is a duplicate.
    void check_duplicates() {
        progress_.count(&Progress::finished);
        timer_.expires_after(std::chrono::milliseconds(options_.grace_ms));
        timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
            if (!ec) self->ws_.async_close(websocket::close_code::normal, [self](beast::error_code) {});
        });
        ws_.async_read(buffer_, beast::bind_front_handler(&Connection::on_late_read, shared_from_this()));
    }

    void on_late_read(beast::error_code ec, std::size_t) {
        if (ec) return;  // closed by us after the grace period, or by the server
        buffer_.consume(buffer_.size());
        ++duplicates;
        ws_.async_read(buffer_, beast::bind_front_handler(&Connection::on_late_read, shared_from_this()));
    }

    void read_idle() {
        // A pending read answers the server's pings; nothing is expected otherwise.
        ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) return;
            self->buffer_.consume(self->buffer_.size());
            ++self->unexpected;
            self->read_idle();
        });
        progress_.count(&Progress::finished);
    }

    void fail() {
        failed = true;
        progress_.count(&Progress::finished);
    }

    websocket::stream<Stream> ws_;
    Timer timer_;
    const Options& options_;
    Progress& progress_;
    std::size_t id_;
    std::function<void()> on_opened_;
    beast::flat_buffer buffer_;
    std::string frame_;
    steady::time_point sent_at_{};
};

/// Opens one io_context's connections a window at a time.
class Opener {
public:
    Opener(std::vector<std::shared_ptr<Connection>> connections, tcp::endpoint endpoint, std::size_t window)
        : connections_(std::move(connections)), endpoint_(endpoint), window_(window) {}

    void start() {
        for (std::size_t i = 0; i < window_; ++i) next();
    }

private:
    void next() {
        if (next_ >= connections_.size()) return;
        connections_[next_++]->run(endpoint_, [this] { next(); });
    }

    std::vector<std::shared_ptr<Connection>> connections_;
    tcp::endpoint endpoint_;
    std::size_t window_;
    std::size_t next_ = 0;
};

bool wait_for(Progress& progress, std::size_t Progress::*counter, std::size_t target, steady::time_point deadline) {
    std::unique_lock lock(progress.mutex);
    return progress.changed.wait_until(lock, deadline, [&] { return progress.*counter >= target; });
}

Totals merge(const std::vector<std::shared_ptr<Connection>>& connections) {
    Totals totals;
    for (const auto& c : connections) {
        if (c->open) ++totals.connected;
        if (c->failed) ++totals.failed;
        totals.sent += c->sent;
        totals.replies += c->replies;
        totals.errors += c->errors;
        if (totals.first_error.empty()) totals.first_error = c->first_error;
        totals.unexpected += c->unexpected;
        totals.duplicates += c->duplicates;
        if (c->sent > c->replies + c->errors) totals.lost += c->sent - c->replies - c->errors;
        totals.rtt_us.insert(totals.rtt_us.end(), c->rtt_us.begin(), c->rtt_us.end());
    }
    return totals;
}

/// The io_contexts, one thread each, and the connections spread over them.
struct Pool {
    std::vector<std::unique_ptr<net::io_context>> contexts;
    std::vector<net::executor_work_guard<net::io_context::executor_type>> guards;
    std::vector<std::shared_ptr<Connection>> connections;
    std::vector<std::unique_ptr<Opener>> openers;
    std::vector<std::thread> threads;

    Pool(const Options& options, Progress& progress, const tcp::endpoint& endpoint) {
        std::vector<std::vector<std::shared_ptr<Connection>>> per_thread(options.threads);
        for (std::size_t t = 0; t < options.threads; ++t) {
            contexts.push_back(std::make_unique<net::io_context>(1));
            guards.push_back(net::make_work_guard(*contexts.back()));
        }
        for (std::size_t i = 0; i < options.connections; ++i) {
            auto& ioc = *contexts[i % options.threads];
            connections.push_back(std::make_shared<Connection>(ioc, options, progress, i));
            per_thread[i % options.threads].push_back(connections.back());
        }
        for (std::size_t t = 0; t < options.threads; ++t) {
            openers.push_back(std::make_unique<Opener>(std::move(per_thread[t]), endpoint, options.window));
            net::post(*contexts[t], [opener = openers.back().get()] { opener->start(); });
            threads.emplace_back([ioc = contexts[t].get()] { ioc->run(); });
        }
    }

    void stop() {
        for (auto& ioc : contexts) ioc->stop();
        for (auto& thread : threads) thread.join();
        threads.clear();
    }
};

}  // namespace

int run_load(const Options& options) {
    net::io_context resolver_context;
    tcp::resolver resolver(resolver_context);
    beast::error_code ec;
    const auto results = resolver.resolve(options.host, options.port, ec);
    if (ec || results.empty()) {
        std::fprintf(stderr, "ws_load: cannot resolve %s: %s\n", options.host_header.c_str(), ec.message().c_str());
        return 2;
    }
    Progress progress;
    Pool pool(options, progress, results.begin()->endpoint());
    const auto deadline = steady::now() + std::chrono::seconds(options.timeout_seconds);
    wait_for(progress, &Progress::opened, options.connections, deadline);
    const CpuSnapshot cpu_at_start = take_cpu_snapshot(options.server_pid);
    const auto started = steady::now();
    for (auto& c : pool.connections) c->start();
    wait_for(progress, &Progress::finished, options.connections, deadline);
    const CpuSnapshot cpu_at_end = take_cpu_snapshot(options.server_pid);
    ServerMemory memory = read_server_memory(options.server_pid);
    if (options.idle) {
        std::this_thread::sleep_for(std::chrono::seconds(options.hold_seconds));
        memory = read_server_memory(options.server_pid);
        for (auto& c : pool.connections) c->stop();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(options.grace_ms + 500));
    pool.stop();
    Totals totals = merge(pool.connections);
    {
        std::lock_guard lock(progress.mutex);
        if (!options.idle && progress.last_finish > started) {
            totals.seconds = std::chrono::duration<double>(progress.last_finish - started).count();
        }
    }
    print_report(options, totals, memory, window_cpu(cpu_at_start, cpu_at_end, options.idle ? 0 : totals.replies));
    const bool clean = totals.failed == 0 && totals.lost == 0 && totals.duplicates == 0 && totals.errors == 0;
    return clean ? 0 : 1;
}

int main(int argc, char** argv) {
    auto parsed = parse_options(argc, argv);
    if (!parsed) {
        std::fprintf(stderr, "ws_load: %s\n", parsed.error().c_str());
        return 2;
    }
    return run_load(*parsed);
}
