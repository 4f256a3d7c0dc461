#include "ws_load_report.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

namespace {

long status_kib(const std::string& line, const std::string& key) {
    if (line.rfind(key + ":", 0) != 0) return 0;
    return std::strtol(line.c_str() + key.size() + 1, nullptr, 10);
}

std::uint32_t percentile(const std::vector<std::uint32_t>& sorted, double p) {
    if (sorted.empty()) return 0;
    const auto rank = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
    return sorted[std::min(rank, sorted.size() - 1)];
}

/// `value` with `decimals` decimals, or null when there is none.
std::string json_number(const std::optional<double>& value, int decimals) {
    if (!value) return "null";
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, *value);
    return buffer;
}

}  // namespace

ServerMemory read_server_memory(int pid) {
    if (pid <= 0) return {};
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    ServerMemory memory;
    for (std::string line; std::getline(in, line);) {
        if (long kib = status_kib(line, "VmRSS")) memory.rss_kib = kib;
        if (long kib = status_kib(line, "VmHWM")) memory.peak_kib = kib;
    }
    return memory;
}

void print_report(const Options& options, Totals& totals, const ServerMemory& memory, const WindowCpu& cpu) {
    std::sort(totals.rtt_us.begin(), totals.rtt_us.end());
    const double rate = totals.seconds > 0 ? static_cast<double>(totals.replies) / totals.seconds : 0;
    std::printf(
        "{\"label\":\"%s\",\"mode\":\"%s\",\"connections\":%zu,\"connected\":%zu,\"failed\":%zu,"
        "\"threads\":%zu,\"says_per_connection\":%zu,\"sent\":%zu,\"replies\":%zu,\"errors\":%zu,"
        "\"unexpected\":%zu,\"lost\":%zu,\"duplicates\":%zu,\"seconds\":%.3f,\"msgs_per_s\":%.0f,"
        "\"p50_us\":%u,\"p99_us\":%u,\"max_us\":%u,\"server_rss_kib\":%ld,\"server_peak_rss_kib\":%ld,"
        "\"window_server_cpu_us_per_say\":%s,\"window_client_cpu_us_per_say\":%s,\"window_machine_busy_pct\":%s}"
        "\n",
        options.label.c_str(), options.idle ? "idle" : "say", options.connections, totals.connected, totals.failed,
        options.threads, options.idle ? 0 : options.says, totals.sent, totals.replies, totals.errors, totals.unexpected,
        totals.lost, totals.duplicates, totals.seconds, rate, percentile(totals.rtt_us, 0.50),
        percentile(totals.rtt_us, 0.99), totals.rtt_us.empty() ? 0u : totals.rtt_us.back(), memory.rss_kib,
        memory.peak_kib, json_number(cpu.server_us_per_say, 1).c_str(), json_number(cpu.client_us_per_say, 1).c_str(),
        json_number(cpu.machine_busy_percent, 0).c_str());
    std::fflush(stdout);
    if (!totals.first_error.empty())
        std::fprintf(stderr, "ws_load: first error frame: %s\n", totals.first_error.c_str());
    if (!totals.first_failure.empty())
        std::fprintf(stderr, "ws_load: %zu connection(s) failed; the first: %s\n", totals.failed,
                     totals.first_failure.c_str());
}
