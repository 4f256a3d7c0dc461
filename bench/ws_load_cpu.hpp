#pragma once
/// CPU time inside ws_load's measured window (from the first say to the last reply): the
/// server's, the client's own and the whole machine's. It says whether a load was held back
/// by CPU (the machine busy throughout) or by waiting (idle cores in the window), and what
/// a say costs each side while the window runs, which a whole run's CPU (handshakes and
/// closes included) does not tell.

#include <cstdint>
#include <map>
#include <optional>

/// Counters read at one moment; what could not be read is left empty.
struct CpuSnapshot {
    /// Each of the server's threads' run time in ns (/proc/PID/task/TID/schedstat), by TID.
    std::optional<std::map<int, std::uint64_t>> server_threads_ns;
    std::uint64_t client_ns = 0;  // this process's CPU time
    struct Machine {
        std::uint64_t busy_ticks = 0;
        std::uint64_t total_ticks = 0;
    };
    std::optional<Machine> machine;  // /proc/stat's first line
};

/// What a window cost, from two snapshots; empty where there is no figure (a counter that
/// could not be read, or went down, or a server thread that ended inside the window and
/// took its run time with it).
struct WindowCpu {
    std::optional<double> server_us_per_say;
    std::optional<double> client_us_per_say;
    std::optional<double> machine_busy_percent;  // of every core's time
};

/// Reads the counters now (`server_pid` <= 0: the server's are left out).
CpuSnapshot take_cpu_snapshot(int server_pid);

/// The window between `start` and `end`, for `says` answered in it (0: no figures).
WindowCpu window_cpu(const CpuSnapshot& start, const CpuSnapshot& end, std::uint64_t says);
