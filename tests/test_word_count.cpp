// Counting words for the typing pauses, 8 bytes at a time, against a byte at a time.
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "word_count.hpp"

using reframe::count_words;

namespace {

std::size_t one_byte_at_a_time(const std::string& text) {
    std::size_t words = 0;
    bool after_space = true;
    for (const char c : text) {
        const bool space = c == ' ' || c == '\n' || c == '\t';
        if (!space && after_space) ++words;
        after_space = space;
    }
    return words;
}

}  // namespace

TEST_CASE("words are counted as runs between spaces, newlines and tabs", "[engine][pace]") {
    CHECK(count_words("") == 0);
    CHECK(count_words("   \n\t ") == 0);
    CHECK(count_words("one") == 1);
    CHECK(count_words("  one  two\nthree\tfour ") == 4);
    CHECK(count_words("a b c d e f g h i j k l") == 12);           // words across 8-byte blocks
    CHECK(count_words("abcdefgh ijklmnop") == 2);                  // a word ending on a block's edge
    CHECK(count_words("abcdefg hijklmno\n\n\n\n\n\n\n\nq") == 3);  // spaces filling a block
    CHECK(count_words("café crème brûlée") == 3);
}

TEST_CASE("counting 8 bytes at a time agrees with a byte at a time", "[engine][pace]") {
    std::mt19937 rng(7);
    const std::string alphabet = std::string("ab \n\t.\x80\xff\x09\x0b\x20\x21\x1f\xa0", 14);
    std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1), length(0, 70);
    for (int i = 0; i < 5000; ++i) {
        std::string text(length(rng), ' ');
        for (char& c : text) c = alphabet[pick(rng)];
        CAPTURE(text);
        CHECK(count_words(text) == one_byte_at_a_time(text));
    }
}
