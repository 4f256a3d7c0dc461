#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "json_writer.hpp"
#include "turn_json.hpp"

using namespace reframe;

namespace {

std::string random_bytes(std::mt19937& rng, std::size_t n) {
    std::uniform_int_distribution<int> byte(0, 255);
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += static_cast<char>(byte(rng));
    return s;
}

}  // namespace

TEST_CASE("the fast turn line is the contract's turn object", "[cli][json]") {
    Reply reply;
    reply.user = "u\"1\\";
    reply.state = "reframe.opening";
    reply.messages = {"It sounds hard.\nReally.", "caf\xC3\xA9 \xE2\x80\x94 ok"};
    reply.options = {"Yes", "No"};
    reply.intents = {"self_label"};
    reply.traps = {"labeling"};
    const auto line = console::turn_line(reply);
    CHECK(nlohmann::json::parse(line) == console::turn_json(reply));
    CHECK(line.find('\n') == std::string::npos);
    reply.safety = "crisis";
    reply.error = "message_too_long";
    CHECK(nlohmann::json::parse(console::turn_line(reply)) == console::turn_json(reply));
    CHECK(nlohmann::json::parse(console::turn_line(reply))["safety"] == "crisis");
}

TEST_CASE("a character to escape is found at every place in a run of plain text", "[cli][json]") {
    // Runs of plain text are checked 8 bytes at a time: put each kind of byte at each place
    // of a longer run, across the word boundaries.
    const std::vector<std::string> specials = {"\"", "\\", "\n", "\x01", "\x1f", "\x7f", "\xc3\xa9", "\xff"};
    const std::vector<std::string> plains = {" ", "~", "!", "[", "]"};
    for (std::size_t at = 0; at < 25; ++at) {
        for (const auto& special : specials) {
            std::string text(25, 'a');
            text.replace(at, 1, special);
            std::string out;
            json_writer::append_json_string(out, text);
            CAPTURE(at, text, out);
            const auto parsed = nlohmann::json::parse(out, nullptr, false);
            REQUIRE_FALSE(parsed.is_discarded());
            // Every byte but an invalid one comes back as it was; nothing raw below 0x20, nor DEL.
            CHECK(parsed.get<std::string>() ==
                  (special == "\xff" ? std::string(text).replace(at, 1, "\xEF\xBF\xBD") : text));
            CHECK(std::none_of(out.begin(), out.end(),
                               [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }));
        }
        for (const auto& same : plains) {
            std::string text(25, 'a');
            text.replace(at, 1, same);
            std::string out;
            json_writer::append_json_string(out, text);
            CHECK(out == "\"" + text + "\"");
        }
    }
}

TEST_CASE("every byte value is told plain or not at every place of a 40-byte run", "[cli][json]") {
    // 40 bytes: two 16-byte blocks (SSE2), an 8-byte word and a tail checked byte by byte.
    const auto plain = [](unsigned c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; };
    for (unsigned c = 0; c < 256; ++c) {
        for (std::size_t at = 0; at < 40; ++at) {
            std::string text(40, 'a');
            text[at] = static_cast<char>(c);
            std::string out;
            json_writer::append_json_string(out, text);
            CAPTURE(c, at);
            CHECK((out == "\"" + text + "\"") == plain(c));
        }
    }
}

TEST_CASE("any bytes become valid JSON strings", "[cli][json]") {
    std::mt19937 rng(42);
    for (int i = 0; i < 2000; ++i) {
        const auto bytes = random_bytes(rng, static_cast<std::size_t>(i % 40));
        std::string out;
        json_writer::append_json_string(out, bytes);
        const auto parsed = nlohmann::json::parse(out, nullptr, false);
        REQUIRE_FALSE(parsed.is_discarded());
        // Valid UTF-8 survives unchanged (nlohmann's strict dump accepts exactly that).
        bool valid_utf8 = true;
        try {
            (void)nlohmann::json(bytes).dump();
        } catch (const nlohmann::json::type_error&) {
            valid_utf8 = false;
        }
        if (valid_utf8) CHECK(parsed.get<std::string>() == bytes);
    }
    std::string out;
    json_writer::append_json_string(out, "a\x01\x7f\xed\xa0\x80z");  // control chars, a surrogate
    CHECK(out == "\"a\\u0001\\u007f\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDz\"");
}
