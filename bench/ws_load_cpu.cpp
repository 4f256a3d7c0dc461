#include "ws_load_cpu.hpp"

#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

/// The run time of every thread of `pid` in nanoseconds (the first field of each
/// /proc/PID/task/TID/schedstat): finer than /proc/PID/stat's 10 ms ticks, which a window
/// of half a second would blur by several percent.
bool server_run_ns(int pid, std::uint64_t& total) {
    std::error_code error;
    const std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
    std::filesystem::directory_iterator it(tasks, error);
    if (error) return false;
    total = 0;
    bool read_any = false;  // a kernel without schedstat has the folder but not the files
    for (const auto& task : it) {
        std::ifstream in(task.path() / "schedstat");
        std::uint64_t ns = 0;
        if (in >> ns) {
            total += ns;
            read_any = true;
        }
    }
    return read_any;
}

std::uint64_t process_cpu_ns() {
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return static_cast<std::uint64_t>(now.tv_sec) * 1'000'000'000U + static_cast<std::uint64_t>(now.tv_nsec);
}

/// The first line of /proc/stat: user nice system idle iowait irq softirq steal …
void machine_ticks(std::uint64_t& busy, std::uint64_t& total) {
    std::ifstream in("/proc/stat");
    std::string line;
    if (!std::getline(in, line)) return;
    std::istringstream fields(line);
    std::string cpu;
    fields >> cpu;
    std::uint64_t value = 0;
    for (int i = 0; i < 8 && fields >> value; ++i) {
        total += value;
        if (i != 3 && i != 4) busy += value;  // neither idle nor waiting for I/O
    }
}

}  // namespace

CpuSnapshot take_cpu_snapshot(int server_pid) {
    CpuSnapshot snapshot;
    if (server_pid > 0) snapshot.server_readable = server_run_ns(server_pid, snapshot.server_ns);
    snapshot.client_ns = process_cpu_ns();
    machine_ticks(snapshot.machine_busy_ticks, snapshot.machine_total_ticks);
    return snapshot;
}

WindowCpu window_cpu(const CpuSnapshot& start, const CpuSnapshot& end, std::uint64_t says) {
    WindowCpu window;
    if (says == 0) return window;
    const auto per_say_us = [says](std::uint64_t from, std::uint64_t to) {
        return to > from ? static_cast<double>(to - from) / 1000.0 / static_cast<double>(says) : 0.0;
    };
    // A thread that ended inside the window takes its time with it: a sum that went down
    // is no figure.
    if (start.server_readable && end.server_readable && end.server_ns >= start.server_ns)
        window.server_us_per_say = per_say_us(start.server_ns, end.server_ns);
    window.client_us_per_say = per_say_us(start.client_ns, end.client_ns);
    const auto total = end.machine_total_ticks - start.machine_total_ticks;
    if (total > 0) {
        window.machine_busy_percent =
            100.0 * static_cast<double>(end.machine_busy_ticks - start.machine_busy_ticks) / static_cast<double>(total);
    }
    return window;
}
