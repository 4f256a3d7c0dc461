#pragma once
/// Eight bytes of text tested at once in a 64-bit word ("SIMD within a register"; the tricks
/// are from "Bit Twiddling Hacks"). Used where text is scanned byte by byte on every turn:
/// JSON string escaping and word counts.

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace reframe::swar {

inline constexpr std::uint64_t ones = 0x0101010101010101ULL;
inline constexpr std::uint64_t lows = 0x7F7F7F7F7F7F7F7FULL;
inline constexpr std::uint64_t highs = ~lows;

/// The 8 bytes at `p`, the first in the lowest byte on a little-endian machine.
inline std::uint64_t load8(const char* p) noexcept {
    std::uint64_t x = 0;
    std::memcpy(&x, p, sizeof x);
    return x;
}

/// A high bit in each byte of `x` that equals `c`: exact per byte, no borrow between bytes.
constexpr std::uint64_t bytes_equal(std::uint64_t x, unsigned char c) noexcept {
    const std::uint64_t t = x ^ (ones * c);
    return ~(((t & lows) + lows) | t) & highs;
}

/// A high bit in each byte of `x` below `n` (n <= 0x80): exact per byte.
constexpr std::uint64_t bytes_below(std::uint64_t x, unsigned char n) noexcept {
    return ~(((x & lows) + ones * (0x80U - n)) | x) & highs;
}

/// How many bytes of `x` have their high bit set, when no other bit is: the high bits moved
/// to each byte's low bit and summed into the top byte by one multiplication (std::popcount
/// is a call into libgcc on the x86-64 baseline, which has no POPCNT instruction).
constexpr std::size_t count_highs(std::uint64_t x) noexcept {
    return static_cast<std::size_t>(((x >> 7U) * ones) >> 56U);
}

}  // namespace reframe::swar
