#include "ws_load_cpu.hpp"

#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>

namespace {

/// The run time of every thread of `pid` in nanoseconds (the first field of each
/// /proc/PID/task/TID/schedstat): finer than /proc/PID/stat's 10 ms ticks, which a window
/// of half a second would blur by several percent. Empty when none could be read, or all
/// read 0 (a kernel that keeps no such statistics).
std::optional<std::map<int, std::uint64_t>> server_threads_ns(int pid) {
    std::error_code error;
    std::filesystem::directory_iterator it("/proc/" + std::to_string(pid) + "/task", error);
    if (error) return std::nullopt;
    std::map<int, std::uint64_t> threads;
    bool any_time = false;
    for (; it != std::filesystem::directory_iterator(); it.increment(error)) {
        if (error) return std::nullopt;  // the folder changed under the iterator
        std::ifstream in(it->path() / "schedstat");
        std::uint64_t ns = 0;
        if (!(in >> ns)) continue;  // a thread that ended meanwhile
        threads[std::stoi(it->path().filename().string())] = ns;
        any_time = any_time || ns > 0;
    }
    if (!any_time) return std::nullopt;
    return threads;
}

std::uint64_t process_cpu_ns() {
    timespec now{};
    if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now) != 0) return 0;
    return static_cast<std::uint64_t>(now.tv_sec) * 1'000'000'000U + static_cast<std::uint64_t>(now.tv_nsec);
}

/// The first line of /proc/stat: "cpu" then user nice system idle iowait irq softirq steal
/// (guest time is inside user and nice already).
std::optional<CpuSnapshot::Machine> machine_ticks() {
    std::ifstream in("/proc/stat");
    std::string line;
    if (!std::getline(in, line)) return std::nullopt;
    std::istringstream fields(line);
    std::string cpu;
    if (!(fields >> cpu) || cpu != "cpu") return std::nullopt;
    CpuSnapshot::Machine machine;
    for (int i = 0; i < 8; ++i) {
        std::uint64_t value = 0;
        if (!(fields >> value)) return std::nullopt;
        machine.total_ticks += value;
        if (i != 3 && i != 4) machine.busy_ticks += value;  // neither idle nor waiting for I/O
    }
    return machine;
}

/// The server's run time between the snapshots: threads in both count their difference,
/// threads started inside the window all of theirs. A thread that ended inside the window
/// took its time with it: no figure then.
std::optional<std::uint64_t> server_ns_between(const std::map<int, std::uint64_t>& start,
                                               const std::map<int, std::uint64_t>& end) {
    std::uint64_t total = 0;
    for (const auto& [tid, ns] : start) {
        const auto later = end.find(tid);
        if (later == end.end() || later->second < ns) return std::nullopt;
        total += later->second - ns;
    }
    for (const auto& [tid, ns] : end) {
        if (!start.contains(tid)) total += ns;
    }
    return total;
}

}  // namespace

CpuSnapshot take_cpu_snapshot(int server_pid) {
    CpuSnapshot snapshot;
    if (server_pid > 0) snapshot.server_threads_ns = server_threads_ns(server_pid);
    snapshot.client_ns = process_cpu_ns();
    snapshot.machine = machine_ticks();
    return snapshot;
}

WindowCpu window_cpu(const CpuSnapshot& start, const CpuSnapshot& end, std::uint64_t says) {
    WindowCpu window;
    if (says == 0) return window;
    const auto per_say_us = [says](std::uint64_t ns) {
        return static_cast<double>(ns) / 1000.0 / static_cast<double>(says);
    };
    if (start.server_threads_ns && end.server_threads_ns) {
        if (const auto ns = server_ns_between(*start.server_threads_ns, *end.server_threads_ns)) {
            window.server_us_per_say = per_say_us(*ns);
        }
    }
    if (start.client_ns != 0 && end.client_ns > start.client_ns) {
        window.client_us_per_say = per_say_us(end.client_ns - start.client_ns);
    }
    if (start.machine && end.machine && end.machine->total_ticks > start.machine->total_ticks &&
        end.machine->busy_ticks >= start.machine->busy_ticks) {
        window.machine_busy_percent = 100.0 * static_cast<double>(end.machine->busy_ticks - start.machine->busy_ticks) /
                                      static_cast<double>(end.machine->total_ticks - start.machine->total_ticks);
    }
    return window;
}
