#include "ws_load_report.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>

namespace {

long status_kib(const std::string& status_text, const std::string& key) {
    const auto at = status_text.find(key + ":");
    if (at == std::string::npos) return 0;
    return std::strtol(status_text.c_str() + at + key.size() + 1, nullptr, 10);
}

std::uint32_t percentile(const std::vector<std::uint32_t>& sorted, double p) {
    if (sorted.empty()) return 0;
    const auto rank = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
    return sorted[std::min(rank, sorted.size() - 1)];
}

}  // namespace

ServerMemory read_server_memory(int pid) {
    if (pid <= 0) return {};
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return {status_kib(text, "VmRSS"), status_kib(text, "VmHWM")};
}

void print_report(const Options& options, Totals& totals, const ServerMemory& memory) {
    std::sort(totals.rtt_us.begin(), totals.rtt_us.end());
    const double rate = totals.seconds > 0 ? static_cast<double>(totals.replies) / totals.seconds : 0;
    std::printf(
        "{\"label\":\"%s\",\"mode\":\"%s\",\"connections\":%zu,\"connected\":%zu,\"failed\":%zu,"
        "\"threads\":%zu,\"says_per_connection\":%zu,\"sent\":%zu,\"replies\":%zu,\"errors\":%zu,"
        "\"unexpected\":%zu,\"lost\":%zu,\"duplicates\":%zu,\"seconds\":%.3f,\"msgs_per_s\":%.0f,"
        "\"p50_us\":%u,\"p99_us\":%u,\"max_us\":%u,\"server_rss_kib\":%ld,\"server_peak_rss_kib\":%ld}\n",
        options.label.c_str(), options.idle ? "idle" : "say", options.connections, totals.connected, totals.failed,
        options.threads, options.idle ? 0 : options.says, totals.sent, totals.replies, totals.errors, totals.unexpected,
        totals.lost, totals.duplicates, totals.seconds, rate, percentile(totals.rtt_us, 0.50),
        percentile(totals.rtt_us, 0.99), totals.rtt_us.empty() ? 0u : totals.rtt_us.back(), memory.rss_kib,
        memory.peak_kib);
    std::fflush(stdout);
}
