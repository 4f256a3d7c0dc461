#pragma once
/// CPU time inside ws_load's measured window (from the first say to the last reply): the
/// server's, the client's own and the whole machine's. It says whether a load was held back
/// by CPU (the machine busy throughout) or by waiting (idle cores in the window), and what
/// a say costs each side while the window runs, which a whole run's CPU (handshakes and
/// closes included) does not tell.

#include <cstdint>
#include <optional>

/// Counters read at one moment.
struct CpuSnapshot {
    std::uint64_t server_ns = 0;  // the sum of the server's threads' run time (schedstat)
    std::uint64_t client_ns = 0;  // this process's CPU time
    std::uint64_t machine_busy_ticks = 0;
    std::uint64_t machine_total_ticks = 0;
    bool server_readable = false;
};

/// What a window cost, from two snapshots.
struct WindowCpu {
    std::optional<double> server_us_per_say;  // none when the server's counters could not be read
    double client_us_per_say = 0;
    double machine_busy_percent = 0;  // of every core's time
};

/// Reads the counters now (`server_pid` <= 0: the server's are left out).
CpuSnapshot take_cpu_snapshot(int server_pid);

/// The window between `start` and `end`, for `says` answered in it.
WindowCpu window_cpu(const CpuSnapshot& start, const CpuSnapshot& end, std::uint64_t says);
