#include "metrics.hpp"

#include <sstream>

namespace reframe::websocket {
namespace {

constexpr auto relaxed = std::memory_order_relaxed;

void header(std::ostringstream& out, std::string_view name, std::string_view type, std::string_view help) {
    out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
}

}  // namespace

void Metrics::turn_done(std::chrono::steady_clock::duration duration, std::string_view safety) {
    turns_.fetch_add(1, relaxed);
    const double seconds = std::chrono::duration<double>(duration).count();
    for (std::size_t i = 0; i < latency_buckets.size(); ++i) {
        if (seconds <= latency_buckets[i]) {
            buckets_[i].fetch_add(1, relaxed);
            break;
        }
    }
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(duration).count();
    latency_micros_.fetch_add(static_cast<std::uint64_t>(micros), relaxed);
    if (safety == "crisis") crisis_.fetch_add(1, relaxed);
    if (safety == "medical_urgent") medical_.fetch_add(1, relaxed);
}

void Metrics::error_sent(ErrorCode code) { errors_[static_cast<std::size_t>(code)].fetch_add(1, relaxed); }

void Metrics::session_started(bool resumed) { (resumed ? sessions_resumed_ : sessions_new_).fetch_add(1, relaxed); }

std::uint64_t Metrics::errors(ErrorCode code) const { return errors_[static_cast<std::size_t>(code)].load(relaxed); }

std::string Metrics::render() const {
    std::ostringstream out;
    header(out, "reframe_turns_total", "counter", "Engine turns (say frames answered with a reply).");
    out << "reframe_turns_total " << turns_.load(relaxed) << '\n';
    header(out, "reframe_turn_duration_seconds", "histogram", "Time from a say being read to its reply being ready.");
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < latency_buckets.size(); ++i) {
        cumulative += buckets_[i].load(relaxed);
        out << "reframe_turn_duration_seconds_bucket{le=\"" << latency_buckets[i] << "\"} " << cumulative << '\n';
    }
    const auto count = turns_.load(relaxed);
    out << "reframe_turn_duration_seconds_bucket{le=\"+Inf\"} " << count << '\n';
    out << "reframe_turn_duration_seconds_sum " << static_cast<double>(latency_micros_.load(relaxed)) / 1e6 << '\n';
    out << "reframe_turn_duration_seconds_count " << count << '\n';
    header(out, "reframe_open_connections", "gauge", "Open WebSocket connections.");
    out << "reframe_open_connections " << open_connections_.load(relaxed) << '\n';
    header(out, "reframe_errors_total", "counter", "Error frames sent, by code.");
    for (std::size_t i = 0; i < error_codes; ++i) {
        out << "reframe_errors_total{code=\"" << code_name(static_cast<ErrorCode>(i)) << "\"} "
            << errors_[i].load(relaxed) << '\n';
    }
    header(out, "reframe_safety_interrupts_total", "counter", "Replies that were safety interrupts, by kind.");
    out << "reframe_safety_interrupts_total{kind=\"crisis\"} " << crisis_.load(relaxed) << '\n';
    out << "reframe_safety_interrupts_total{kind=\"medical_urgent\"} " << medical_.load(relaxed) << '\n';
    header(out, "reframe_sessions_total", "counter", "Sessions started by hello, new or resumed.");
    out << "reframe_sessions_total{resumed=\"false\"} " << sessions_new_.load(relaxed) << '\n';
    out << "reframe_sessions_total{resumed=\"true\"} " << sessions_resumed_.load(relaxed) << '\n';
    header(out, "reframe_http_requests_total", "counter", "HTTP requests (WebSocket upgrades included).");
    out << "reframe_http_requests_total " << http_requests_.load(relaxed) << '\n';
    header(out, "reframe_origin_rejected_total", "counter", "WebSocket upgrades refused for their Origin.");
    out << "reframe_origin_rejected_total " << origin_rejected_.load(relaxed) << '\n';
    return out.str();
}

}  // namespace reframe::websocket
