#include "word_count.hpp"

#include <bit>
#include <cstdint>

#include "swar.hpp"

namespace reframe {
namespace {

constexpr bool is_space(char c) { return c == ' ' || c == '\n' || c == '\t'; }

}  // namespace

std::size_t count_words(std::string_view text) noexcept {
    std::size_t words = 0;
    bool after_space = true;  // the text's start begins a word
    std::size_t i = 0;
    if constexpr (std::endian::native == std::endian::little) {
        for (; i + 8 <= text.size(); i += 8) {
            const std::uint64_t x = swar::load8(text.data() + i);
            using swar::bytes_equal;
            const std::uint64_t space = bytes_equal(x, ' ') | bytes_equal(x, '\n') | bytes_equal(x, '\t');
            // Byte k follows byte k - 1, one byte lower: a word starts where a byte that is
            // not a space follows one that is.
            const std::uint64_t follows_space = (space << 8U) | (after_space ? 0x80U : 0U);
            words += swar::count_highs(~space & swar::highs & follows_space);
            after_space = (space >> 63U) != 0;
        }
    }
    for (; i < text.size(); ++i) {
        const bool space = is_space(text[i]);
        if (!space && after_space) ++words;
        after_space = space;
    }
    return words;
}

}  // namespace reframe
