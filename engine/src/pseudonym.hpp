#pragma once
/// Short, stable stand-ins for user ids in logs. A user id (a Matrix id, an e-mail-like
/// handle) is personal data itself, so the log carries a keyed hash of it instead.
///
/// Thread-safety: a Pseudonymizer is immutable after construction; use it from any thread.

#include <cstdint>
#include <string>
#include <string_view>

namespace reframe {

/// SipHash-2-4 of `data` under the 128-bit key (k0, k1): a keyed hash made for short
/// inputs, so a pseudonym cannot be recomputed from a list of ids without the key.
std::uint64_t siphash24(std::uint64_t k0, std::uint64_t k1, std::string_view data);

class Pseudonymizer {
public:
    /// `secret` keys the hash; an empty secret uses a fixed key (stable across runs, but
    /// anyone with a list of candidate ids could recompute the pseudonyms).
    explicit Pseudonymizer(std::string_view secret);

    /// 12 lower-case hex digits (48 bits), the same for the same id and secret.
    std::string operator()(std::string_view user) const;

private:
    std::uint64_t k0_;
    std::uint64_t k1_;
};

}  // namespace reframe
