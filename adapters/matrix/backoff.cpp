#include "backoff.hpp"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

namespace reframe::matrix {
namespace {

constexpr std::int64_t max_wait_ms = 60 * 60 * 1000;

std::int64_t clamp_wait(std::int64_t ms) { return std::clamp<std::int64_t>(ms, 0, max_wait_ms); }

}  // namespace

Backoff::Backoff(std::chrono::milliseconds base, std::chrono::milliseconds cap, std::uint64_t seed)
    : base_(base), cap_(cap), state_(seed | 1) {}

std::chrono::milliseconds Backoff::next() {
    // xorshift64*: enough randomness for jitter, and reproducible in tests.
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    const std::uint64_t random = state_ * 0x2545F4914F6CDD1DULL;
    const int shift = std::min(attempt_, 30);
    ++attempt_;
    const auto ceiling = std::min<std::int64_t>(cap_.count(), base_.count() << shift);
    const auto half = ceiling / 2;
    const auto spread = static_cast<std::int64_t>(random % static_cast<std::uint64_t>(ceiling - half + 1));
    return std::chrono::milliseconds(half + spread);
}

std::optional<std::chrono::milliseconds> rate_limit_wait(const std::string& body, const std::string& header) {
    const auto json = nlohmann::json::parse(body, nullptr, false);
    if (json.is_object() && json.contains("retry_after_ms") && json["retry_after_ms"].is_number()) {
        return std::chrono::milliseconds(clamp_wait(json["retry_after_ms"].get<std::int64_t>()));
    }
    if (!header.empty() &&
        std::all_of(header.begin(), header.end(),
                    [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }) &&
        header.size() < 10) {
        return std::chrono::milliseconds(clamp_wait(std::stoll(header) * 1000));
    }
    return std::nullopt;
}

}  // namespace reframe::matrix
