#pragma once
/// How long to wait before trying again: capped exponential backoff with full jitter, and
/// the wait a homeserver asks for with HTTP 429.
///
/// Thread-safety: a Backoff is used by one thread; the free functions are pure.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace reframe::matrix {

class Backoff {
public:
    /// `base` is the first wait's upper bound, `cap` the largest wait; `seed` feeds the jitter.
    Backoff(std::chrono::milliseconds base, std::chrono::milliseconds cap, std::uint64_t seed);

    /// The next wait: uniform in [ceiling / 2, ceiling], where ceiling doubles each time
    /// from `base` up to `cap` (half jitter: spreads retries yet never retries at once).
    std::chrono::milliseconds next();

    /// Back to the first wait (after a success).
    void reset() { attempt_ = 0; }

    int attempts() const { return attempt_; }

private:
    std::chrono::milliseconds base_, cap_;
    std::uint64_t state_;
    int attempt_ = 0;
};

/// The wait a 429 asks for: `retry_after_ms` from the JSON body when there is one, else
/// the Retry-After header (seconds, or an HTTP date we do not try to read); nothing when
/// neither says. Values are clamped to [0, 1 hour].
std::optional<std::chrono::milliseconds> rate_limit_wait(const std::string& body,
                                                         const std::string& retry_after_header);

}  // namespace reframe::matrix
