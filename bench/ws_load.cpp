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
// Model: one edge-triggered epoll loop per thread (ws_load_worker.hpp), each connection on
// one of them, so a connection's counters need no lock; the protocol's client side is
// ws_frames.hpp (the handshake's answer is parsed by Beast's HTTP parser).
//
// Why not Beast's WebSocket stream, as the server uses: client and server share this
// machine's cores, so what the client spends is taken from the server it measures. The same
// load through Beast's async client cost about 40% more CPU a say than this loop
// (alternating runs, docs/benchmarks.md): Beast's per-operation machinery, and a read a say
// that finds nothing (Asio 1.74 tries one before it waits).

#include <netdb.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "ws_load_cpu.hpp"
#include "ws_load_options.hpp"
#include "ws_load_report.hpp"
#include "ws_load_worker.hpp"

namespace {

using wsload::Connection;
using wsload::Progress;
using wsload::steady;
using wsload::Worker;

bool wait_for(Progress& progress, std::size_t Progress::*counter, std::size_t target, steady::time_point deadline) {
    std::unique_lock lock(progress.mutex);
    return progress.changed.wait_until(lock, deadline, [&] { return progress.*counter >= target; });
}

Totals merge(const std::vector<std::unique_ptr<Connection>>& connections) {
    Totals totals;
    for (const auto& c : connections) {
        if (c->open) ++totals.connected;
        if (c->failed) ++totals.failed;
        totals.sent += c->sent;
        totals.replies += c->replies;
        totals.errors += c->errors;
        if (totals.first_error.empty()) totals.first_error = c->first_error;
        if (totals.first_failure.empty()) totals.first_failure = c->failure;
        totals.unexpected += c->unexpected;
        totals.duplicates += c->duplicates;
        if (c->sent > c->replies + c->errors) totals.lost += c->sent - c->replies - c->errors;
        totals.rtt_us.insert(totals.rtt_us.end(), c->rtt_us.begin(), c->rtt_us.end());
    }
    return totals;
}

/// The workers, one thread each, and the connections spread over them.
struct Pool {
    std::vector<std::unique_ptr<Connection>> connections;
    std::vector<std::unique_ptr<Worker>> workers;

    Pool(const Options& options, Progress& progress, const sockaddr_storage& address, socklen_t address_size) {
        std::vector<std::vector<Connection*>> per_thread(options.threads);
        for (std::size_t i = 0; i < options.connections; ++i) {
            connections.push_back(std::make_unique<Connection>());
            connections.back()->id = i;
            per_thread[i % options.threads].push_back(connections.back().get());
        }
        for (auto& share : per_thread) {
            workers.push_back(std::make_unique<Worker>(options, progress, address, address_size, std::move(share)));
        }
        for (auto& worker : workers) worker->run();
    }

    void tell(Worker::Command what) {
        for (auto& worker : workers) worker->command(what);
    }

    void stop() {
        tell(Worker::quit);
        for (auto& worker : workers) worker->join();
        workers.clear();  // closes the sockets
    }
};

/// The first address `host`:`port` resolves to, or an error message.
std::string resolve(const Options& options, sockaddr_storage& address, socklen_t& size) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const int error = getaddrinfo(options.host.c_str(), options.port.c_str(), &hints, &found);
    if (error != 0 || found == nullptr) return error != 0 ? gai_strerror(error) : "no address";
    std::memcpy(&address, found->ai_addr, found->ai_addrlen);
    size = found->ai_addrlen;
    freeaddrinfo(found);
    return {};
}

}  // namespace

int run_load(const Options& options) {
    sockaddr_storage address{};
    socklen_t address_size = 0;
    if (auto problem = resolve(options, address, address_size); !problem.empty()) {
        std::fprintf(stderr, "ws_load: cannot resolve %s: %s\n", options.host_header.c_str(), problem.c_str());
        return 2;
    }
    Progress progress;
    Pool pool(options, progress, address, address_size);
    const auto deadline = steady::now() + std::chrono::seconds(options.timeout_seconds);
    wait_for(progress, &Progress::opened, options.connections, deadline);
    const CpuSnapshot cpu_at_start = take_cpu_snapshot(options.server_pid);
    const auto started = steady::now();
    pool.tell(Worker::start_says);
    wait_for(progress, &Progress::finished, options.connections, deadline);
    const CpuSnapshot cpu_at_end = take_cpu_snapshot(options.server_pid);
    ServerMemory memory = read_server_memory(options.server_pid);
    if (options.idle) {
        std::this_thread::sleep_for(std::chrono::seconds(options.hold_seconds));
        memory = read_server_memory(options.server_pid);
        pool.tell(Worker::close_idle);
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
    try {
        return run_load(*parsed);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "ws_load: %s\n", error.what());
        return 2;
    }
}
