#include "pseudonym.hpp"

#include <cstddef>

namespace reframe {
namespace {

constexpr std::uint64_t rotl(std::uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

struct SipState {
    std::uint64_t v0, v1, v2, v3;

    void round() {
        v0 += v1;
        v1 = rotl(v1, 13) ^ v0;
        v0 = rotl(v0, 32);
        v2 += v3;
        v3 = rotl(v3, 16) ^ v2;
        v0 += v3;
        v3 = rotl(v3, 21) ^ v0;
        v2 += v1;
        v1 = rotl(v1, 17) ^ v2;
        v2 = rotl(v2, 32);
    }
    void absorb(std::uint64_t m) {
        v3 ^= m;
        round();
        round();
        v0 ^= m;
    }
};

/// Little-endian load of up to 8 bytes.
std::uint64_t load_le(std::string_view bytes) {
    std::uint64_t m = 0;
    for (std::size_t i = 0; i < bytes.size(); ++i) m |= std::uint64_t{static_cast<unsigned char>(bytes[i])} << (8 * i);
    return m;
}

// Any fixed key will do for the unkeyed case; these are the first digits of pi.
constexpr std::uint64_t default_k0 = 0x243f6a8885a308d3;
constexpr std::uint64_t default_k1 = 0x13198a2e03707344;

}  // namespace

std::uint64_t siphash24(std::uint64_t k0, std::uint64_t k1, std::string_view data) {
    SipState s{k0 ^ 0x736f6d6570736575, k1 ^ 0x646f72616e646f6d, k0 ^ 0x6c7967656e657261, k1 ^ 0x7465646279746573};
    std::size_t at = 0;
    for (; at + 8 <= data.size(); at += 8) s.absorb(load_le(data.substr(at, 8)));
    s.absorb(load_le(data.substr(at)) | (std::uint64_t{data.size() & 0xff} << 56));
    s.v2 ^= 0xff;
    for (int i = 0; i < 4; ++i) s.round();
    return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

Pseudonymizer::Pseudonymizer(std::string_view secret)
    : k0_(secret.empty() ? default_k0 : siphash24(default_k0, default_k1, secret)),
      k1_(secret.empty() ? default_k1 : siphash24(default_k1, default_k0, secret)) {}

std::string Pseudonymizer::operator()(std::string_view user) const {
    static constexpr char digits[] = "0123456789abcdef";
    const std::uint64_t h = siphash24(k0_, k1_, user);
    std::string out(12, '0');
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = digits[(h >> (60 - 4 * i)) & 0xf];
    return out;
}

}  // namespace reframe
