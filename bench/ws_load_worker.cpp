#include "ws_load_worker.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <random>
#include <stdexcept>
#include <string_view>

namespace wsload {
namespace {

/// A reply larger than this fails its connection instead of growing the buffer for ever.
constexpr std::size_t max_message = std::size_t{1} << 20;
/// The handshake's answer must fit in this.
constexpr std::size_t max_response_head = 16 * 1024;
constexpr std::size_t read_chunk = 16 * 1024;
constexpr int max_events = 256;

/// Messages the load sends in turn: everyday and self-critical text, never a crisis.
const std::vector<std::string>& say_payloads() {
    static const std::vector<std::string> payloads = [] {
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
    return payloads;
}

/// Whether a JSON frame's "type" is `type` (as reframe and the echo peer write it, with or
/// without a space after the colon).
bool is_type(std::string_view frame, std::string_view compact, std::string_view spaced) {
    return frame.find(compact) != std::string_view::npos || frame.find(spaced) != std::string_view::npos;
}
bool is_reply(std::string_view frame) { return is_type(frame, R"("type":"reply")", R"("type": "reply")"); }
bool is_error(std::string_view frame) { return is_type(frame, R"("type":"error")", R"("type": "error")"); }

std::string system_error(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

}  // namespace

void Progress::count(std::size_t Progress::*counter) {
    std::lock_guard lock(mutex);
    ++(this->*counter);
    if (counter == &Progress::finished) last_finish = steady::now();
    changed.notify_all();
}

Worker::Worker(const Options& options, Progress& progress, const sockaddr_storage& address, socklen_t address_size,
               std::vector<Connection*> connections)
    : options_(options),
      progress_(progress),
      address_(address),
      address_size_(address_size),
      connections_(std::move(connections)),
      random_state_(std::random_device{}() | 1U) {
    random_state_ = (random_state_ << 32U) ^ std::random_device{}();
    if (random_state_ == 0) random_state_ = 0x9E3779B97F4A7C15ULL;
    epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
    wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (epoll_fd_ < 0 || wake_fd_ < 0) throw std::runtime_error(system_error("epoll/eventfd"));
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.ptr = nullptr;  // the wake-up, not a connection
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &event) != 0) throw std::runtime_error(system_error("epoll_ctl"));
}

Worker::~Worker() {
    if (thread_.joinable()) {
        command(quit);
        thread_.join();
    }
    for (Connection* c : connections_) close_socket(*c);
    if (wake_fd_ >= 0) ::close(wake_fd_);
    if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

void Worker::run() {
    thread_ = std::thread([this] { loop(); });
}

void Worker::command(Command what) {
    commands_.fetch_or(what, std::memory_order_release);
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto written = ::write(wake_fd_, &one, sizeof one);
}

void Worker::join() {
    if (thread_.joinable()) thread_.join();
}

std::uint32_t Worker::next_random() {
    // xorshift64: masks need not be secret here (RFC 6455's reason for them is proxies'
    // caches, and there is no proxy on the loopback), only cheap.
    random_state_ ^= random_state_ << 13U;
    random_state_ ^= random_state_ >> 7U;
    random_state_ ^= random_state_ << 17U;
    return static_cast<std::uint32_t>(random_state_ >> 32U);
}

void Worker::loop() {
    open_next();
    std::array<epoll_event, max_events> events{};
    while (!quitting_) {
        // Wakes up now and then while connections sit out their grace period.
        const int timeout_ms = in_grace_.empty() ? -1 : 10;
        const int ready = epoll_wait(epoll_fd_, events.data(), max_events, timeout_ms);
        if (ready < 0 && errno != EINTR) break;
        for (int i = 0; i < ready; ++i) {
            auto* c = static_cast<Connection*>(events[static_cast<std::size_t>(i)].data.ptr);
            if (c == nullptr) {
                take_commands();
            } else if (c->fd >= 0) {
                on_event(*c, events[static_cast<std::size_t>(i)].events);
            }
        }
        if (!in_grace_.empty()) end_grace(steady::now());
    }
}

void Worker::take_commands() {
    std::uint64_t count = 0;
    [[maybe_unused]] const auto read_bytes = ::read(wake_fd_, &count, sizeof count);
    const unsigned what = commands_.exchange(0, std::memory_order_acquire);
    if ((what & start_says) != 0 && !says_started_) {
        says_started_ = true;
        for (Connection* c : connections_) start(*c);
    }
    if ((what & close_idle) != 0) {
        for (Connection* c : connections_) {
            if (c->phase == Phase::idle) send_close(*c);
        }
    }
    if ((what & quit) != 0) quitting_ = true;
}

void Worker::open_next() {
    if (in_open_next_) return;  // a connection failing at once, below: the loop goes on
    in_open_next_ = true;
    while (opening_ < options_.window && next_to_open_ < connections_.size()) {
        Connection& c = *connections_[next_to_open_++];
        c.opening = true;
        ++opening_;
        c.fd = ::socket(address_.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (c.fd < 0) {
            fail(c, system_error("socket"));
            continue;
        }
        epoll_event event{};
        event.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
        event.data.ptr = &c;
        if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, c.fd, &event) != 0) {
            fail(c, system_error("epoll_ctl"));
            continue;
        }
        if (::connect(c.fd, reinterpret_cast<const sockaddr*>(&address_), address_size_) == 0) {
            on_connected(c);
        } else if (errno != EINPROGRESS) {
            fail(c, system_error("connect"));
        }
        // else: epoll reports the outcome (EPOLLOUT, or EPOLLERR).
    }
    in_open_next_ = false;
}

void Worker::on_event(Connection& c, std::uint32_t events) {
    if (c.phase == Phase::connecting) {
        if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) == 0) return;
        int error = 0;
        socklen_t size = sizeof error;
        if (getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &size) != 0) error = errno;
        if (error != 0) {
            errno = error;
            return fail(c, system_error("connect"));
        }
        return on_connected(c);
    }
    if ((events & EPOLLOUT) != 0 && !c.out.empty()) flush(c);
    if (c.fd >= 0 && (events & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP)) != 0) {
        read(c, (events & (EPOLLRDHUP | EPOLLERR | EPOLLHUP)) != 0);
    }
}

void Worker::on_connected(Connection& c) {
    // Small frames, one at a time: never let Nagle's algorithm hold one back.
    const int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const std::uint64_t high = (std::uint64_t{next_random()} << 32U) | next_random();
    const std::uint64_t low = (std::uint64_t{next_random()} << 32U) | next_random();
    c.key = handshake_key(high, low);
    c.phase = Phase::handshaking;
    c.out = upgrade_request(options_.host_header, options_.path, options_.origin, c.key);
    flush(c);
}

void Worker::read(Connection& c, bool to_the_end) {
    // Edge-triggered: a read shorter than asked for took everything the socket had, and
    // anything arriving later raises a new event; so most replies cost one recv(). When the
    // peer hung up, read on to the end, or the end would never be seen.
    static thread_local std::array<char, read_chunk> buffer{};
    bool ended = false;
    for (;;) {
        const ssize_t got = ::recv(c.fd, buffer.data(), buffer.size(), 0);
        if (got > 0) {
            c.in.append(buffer.data(), static_cast<std::size_t>(got));
            if (static_cast<std::size_t>(got) < buffer.size() && !to_the_end) break;
            continue;
        }
        if (got == 0) {
            ended = true;
            break;
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        return fail(c, system_error("recv"));
    }
    parse(c);
    if (ended && c.fd >= 0) closed_by_server(c);
}

void Worker::closed_by_server(Connection& c) {
    // Normal once the connection waits for nothing more (its says answered, idle, or
    // closing); a failure while it still waits.
    if (c.phase != Phase::grace && c.phase != Phase::closing && c.phase != Phase::idle) {
        return fail(c, "the server closed the connection");
    }
    close_socket(c);
}

void Worker::parse(Connection& c) {
    if (c.phase == Phase::handshaking) {
        const std::size_t end = response_head_end(c.in);
        if (end == 0) {
            if (c.in.size() > max_response_head) fail(c, "the handshake's answer is too long");
            return;
        }
        if (auto checked = check_upgrade_response(std::string_view(c.in).substr(0, end), c.key); !checked) {
            return fail(c, checked.error());
        }
        c.in.erase(0, end);
        c.phase = Phase::open;
        opened(c, true);
        if (says_started_) start(c);
    }
    std::size_t used = 0;
    while (c.fd >= 0) {
        const Parsed parsed = parse_server_frame(std::string_view(c.in).substr(used), max_message);
        if (parsed.status == Parsed::Status::incomplete) break;
        if (parsed.status == Parsed::Status::bad) return fail(c, parsed.error);
        used += parsed.size;
        if (!on_frame(c, parsed.frame)) return;
    }
    if (c.fd >= 0) c.in.erase(0, used);
}

bool Worker::on_frame(Connection& c, const Frame& frame) {
    switch (frame.opcode) {
        case Opcode::text:
        case Opcode::binary:
            if (c.in_message) {
                fail(c, "a new message began inside a fragmented one");
                return false;
            }
            if (frame.fin) {
                on_message(c, frame.payload);
            } else {
                c.message.assign(frame.payload);
                c.in_message = true;
            }
            return c.fd >= 0;
        case Opcode::continuation:
            if (!c.in_message) {
                fail(c, "a continuation frame without a message to continue");
                return false;
            }
            c.message.append(frame.payload);
            if (c.message.size() > max_message) {
                fail(c, "a fragmented message grew above the limit");
                return false;
            }
            if (frame.fin) {
                c.in_message = false;
                const std::string message = std::move(c.message);
                c.message.clear();
                on_message(c, message);
            }
            return c.fd >= 0;
        case Opcode::ping:
            send_frame(c, Opcode::pong, frame.payload);
            return c.fd >= 0;
        case Opcode::pong:
            return true;
        case Opcode::close:
            if (c.phase == Phase::grace || c.phase == Phase::idle) send_close(c);  // the answering close
            closed_by_server(c);
            return false;
    }
    return true;
}

void Worker::on_message(Connection& c, std::string_view text) {
    switch (c.phase) {
        case Phase::saying:
            if (is_reply(text)) {
                ++c.replies;
                const auto us = std::chrono::duration_cast<std::chrono::microseconds>(steady::now() - c.sent_at);
                c.rtt_us.push_back(static_cast<std::uint32_t>(us.count()));
            } else if (is_error(text)) {
                if (c.errors++ == 0) c.first_error = std::string(text);
            } else {
                // Anything else (a welcome nobody asked for) does not answer the say: read on.
                ++c.unexpected;
                return;
            }
            return send_next(c);
        case Phase::grace:
            // After the last reply, anything more within the grace period is a duplicate.
            ++c.duplicates;
            return;
        default:
            ++c.unexpected;
            return;
    }
}

void Worker::start(Connection& c) {
    if (c.phase != Phase::open) {
        // Not open by the time the says start (or failed before): it counts as failed.
        if (!c.failed) fail(c, "not open when the says started");
        return finish(c);
    }
    if (options_.idle) {
        c.phase = Phase::idle;
        return finish(c);
    }
    c.phase = Phase::saying;
    c.rtt_us.reserve(options_.says);
    send_next(c);
}

void Worker::send_next(Connection& c) {
    if (c.sent == options_.says) {
        c.phase = Phase::grace;
        c.grace_until = steady::now() + std::chrono::milliseconds(options_.grace_ms);
        in_grace_.push_back(&c);
        return finish(c);
    }
    const auto& payloads = say_payloads();
    const std::string& payload = payloads[(c.id + c.sent) % payloads.size()];
    ++c.sent;
    c.sent_at = steady::now();
    send_frame(c, Opcode::text, payload);
}

void Worker::send_frame(Connection& c, Opcode opcode, std::string_view payload) {
    frame_.clear();
    append_client_frame(frame_, opcode, payload, next_random());
    if (!c.out.empty()) {
        c.out += frame_;  // behind what waits already; EPOLLOUT sends both
        return;
    }
    const ssize_t sent = ::send(c.fd, frame_.data(), frame_.size(), MSG_NOSIGNAL);
    if (sent == static_cast<ssize_t>(frame_.size())) return;
    if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return fail(c, system_error("send"));
    c.out.assign(frame_, sent > 0 ? static_cast<std::size_t>(sent) : 0);
}

void Worker::flush(Connection& c) {
    while (!c.out.empty()) {
        const ssize_t sent = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
        if (sent > 0) {
            c.out.erase(0, static_cast<std::size_t>(sent));
        } else if (sent < 0 && errno == EINTR) {
            continue;
        } else if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return;  // the next EPOLLOUT edge sends the rest
        } else {
            return fail(c, system_error("send"));
        }
    }
}

void Worker::send_close(Connection& c) {
    static constexpr char normal_closure[] = {'\x03', '\xE8'};  // status 1000
    c.phase = Phase::closing;
    send_frame(c, Opcode::close, std::string_view(normal_closure, sizeof normal_closure));
}

void Worker::end_grace(steady::time_point now) {
    while (!in_grace_.empty() && in_grace_.front()->grace_until <= now) {
        Connection& c = *in_grace_.front();
        in_grace_.pop_front();
        if (c.phase == Phase::grace) send_close(c);
    }
}

void Worker::opened(Connection& c, bool ok) {
    if (c.counted_open) return;
    c.counted_open = true;
    c.open = ok;
    progress_.count(&Progress::opened);
    if (!c.opening) return;  // never tried: the says started first
    c.opening = false;
    --opening_;
    if (!says_started_) open_next();
}

void Worker::finish(Connection& c) {
    if (c.counted_finish) return;
    c.counted_finish = true;
    progress_.count(&Progress::finished);
}

void Worker::fail(Connection& c, std::string why) {
    if (!c.failed) c.failure = std::move(why);
    c.failed = true;
    close_socket(c);
    if (!c.counted_open) opened(c, false);
    // Once the says have started, a failed connection is done; before, start() counts it.
    if (says_started_) finish(c);
}

void Worker::close_socket(Connection& c) {
    c.phase = Phase::closed;
    if (c.fd < 0) return;
    ::close(c.fd);  // also takes it out of the epoll set
    c.fd = -1;
}

}  // namespace wsload
