// The pseudonyms that stand for user ids in the log.
#include <catch2/catch.hpp>

#include <string>

#include "pseudonym.hpp"

using namespace reframe;

TEST_CASE("siphash24 gives the reference implementation's values", "[log]") {
    // Key 00 01 .. 0f, message 00 01 .. (n-1): the SipHash paper's test vectors.
    const std::uint64_t k0 = 0x0706050403020100, k1 = 0x0f0e0d0c0b0a0908;
    const auto message = [](std::size_t n) {
        std::string m;
        for (std::size_t i = 0; i < n; ++i) m += static_cast<char>(i);
        return m;
    };
    CHECK(siphash24(k0, k1, message(0)) == 0x726fdb47dd0e0e31);
    CHECK(siphash24(k0, k1, message(1)) == 0x74f839c593dc67fd);
    CHECK(siphash24(k0, k1, message(7)) == 0xab0200f58b01d137);
    CHECK(siphash24(k0, k1, message(8)) == 0x93f5f5799a932462);
    CHECK(siphash24(k0, k1, message(9)) == 0x9e0082df0ba9e4b0);
    CHECK(siphash24(k0, k1, message(15)) == 0xa129ca6149be45e5);
    CHECK(siphash24(k0, k1, message(16)) == 0x3f2acc7f57c29bdb);
    CHECK(siphash24(k0, k1, message(63)) == 0x958a324ceb064572);
}

TEST_CASE("a pseudonym is short, stable, keyed and does not show the id", "[log][privacy]") {
    const Pseudonymizer unkeyed("");
    const std::string id = "@ana.lindqvist:matrix.example.org";
    const auto p = unkeyed(id);
    CHECK(p.size() == 12);
    CHECK(p.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(p == Pseudonymizer("")(id));  // stable across instances (and runs)
    CHECK(p != unkeyed("@ana.lindqvist:matrix.example.net"));
    CHECK(Pseudonymizer("clinic secret")(id) != p);
    CHECK(Pseudonymizer("clinic secret")(id) == Pseudonymizer("clinic secret")(id));
    CHECK(Pseudonymizer("another secret")(id) != Pseudonymizer("clinic secret")(id));
}
