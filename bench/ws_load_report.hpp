#pragma once
/// ws_load's counts and the JSON line it prints (bench/ws_load.cpp).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "ws_load_cpu.hpp"
#include "ws_load_options.hpp"

/// Everything the connections counted, merged after the run.
struct Totals {
    std::size_t connected = 0;
    std::size_t failed = 0;  // connections that could not open or broke during the run
    std::size_t sent = 0;
    std::size_t replies = 0;
    std::size_t errors = 0;      // error frames instead of replies
    std::size_t unexpected = 0;  // frames that were neither
    std::size_t duplicates = 0;  // frames after the last reply
    std::size_t lost = 0;        // says sent and never answered
    std::string first_error;     // the first error frame seen, as sent
    std::string first_failure;   // why the first failed connection failed
    std::vector<std::uint32_t> rtt_us;
    double seconds = 0;  // from the first say to the last reply
};

/// A server's resident memory from /proc/PID/status, in KiB (0 when unreadable).
struct ServerMemory {
    long rss_kib = 0;
    long peak_kib = 0;
};

ServerMemory read_server_memory(int pid);

/// One JSON line on stdout: the options, the counts, msgs/s, p50/p99/max, the memory and
/// the CPU of the measured window.
void print_report(const Options& options, Totals& totals, const ServerMemory& memory, const WindowCpu& cpu);
