#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <re2/re2.h>

#include "pattern_compiler.hpp"
#include "pattern_matcher.hpp"
#include "pattern_size.hpp"
#include "reframe/loader.hpp"

using reframe::detail::program_size_bound;

namespace {

/// RE2's program size for `regex`, compiled with the set's budget.
std::size_t program_size(const std::string& regex) {
    const RE2 re(regex, reframe::detail::regex_options(reframe::detail::set_max_mem));
    INFO(regex << ": " << re.error());
    REQUIRE(re.ok());
    return static_cast<std::size_t>(re.ProgramSize());
}

/// The bound covers a regex's own instructions; every program also has a few of its own
/// (the unanchored prefix, Match, Fail), which a set has once and size_bound() adds.
void check_bound(const std::string& regex) {
    const auto bound = program_size_bound(regex);
    INFO(regex);
    REQUIRE(bound);
    CHECK(program_size(regex) - program_size("") <= *bound);
}

bool is_regex_pattern(const std::string& source) {
    const auto at = source.find_first_not_of(' ');
    return at != std::string::npos && source.compare(at, 3, "re:") == 0;
}

/// A matcher of translated `sources` (no lexicons), with `max_mem` for each set.
std::unique_ptr<reframe::detail::PatternMatcher> matcher_of(const std::vector<std::string>& sources,
                                                            std::int64_t max_mem) {
    auto matcher = std::make_unique<reframe::detail::PatternMatcher>(reframe::detail::Strategy::sets, max_mem);
    for (const auto& source : sources) {
        auto translated = reframe::detail::translate_pattern(source, {});
        REQUIRE(translated);
        matcher->add(translated->set_regex, translated->capture_regex, reframe::detail::Subject::padded);
    }
    return matcher;
}

}  // namespace

TEST_CASE("the size bound is never below RE2's program for the translator's regexes", "[matcher][lint]") {
    check_bound("[^ ]");
    CHECK(program_size("[^ ]") - program_size("") <= reframe::detail::any_char_instructions);
    CHECK(program_size(".") - program_size("") <= reframe::detail::any_char_instructions);
    for (const std::string regex : {"(?:[^ ]+ )", "(?:[^ ]+ )*", "(?:[^ ]+ )+", "(?:[^ ]+ ){0,20}", "(?:a |b c )?",
                                    "^ i am (?P<what>(?:[^ ]+ )+)$", " \\x00 ",
                                    " \xc3\xa7"
                                    "a va ",
                                    "a{3}"}) {
        check_bound(regex);
    }
    // Every pattern of the bundled dialogues, with their lexicons.
    const auto loaded = reframe::load_flow_dir(std::filesystem::path(REFRAME_SOURCE_DIR) / "dialogues");
    REQUIRE(loaded);
    const auto& flows = *loaded->flows;
    std::size_t checked = 0;
    for (reframe::PatternId id = 0; id < flows.patterns.size(); ++id) {
        const std::string& source = flows.patterns.source(id);
        if (is_regex_pattern(source)) continue;
        const auto translated = reframe::detail::translate_pattern(source, flows.lexicons);
        REQUIRE(translated);
        check_bound(translated->set_regex);
        ++checked;
    }
    CHECK(checked > 100);
}

TEST_CASE("the size bound knows nothing of regex syntax the translator never writes", "[matcher][lint]") {
    for (const std::string regex : {"(?i)abc", "[a-z]+", "\\d+", "a{2,}", "(a)", "\\bword", "a{1001}", "(?:a"}) {
        INFO(regex);
        CHECK_FALSE(program_size_bound(regex));
    }
}

TEST_CASE("check_fits reports what compile does, building the sets only when the bound is not enough",
          "[matcher][lint]") {
    using reframe::detail::set_max_mem;
    SECTION("well inside the budget: nothing is built") {
        auto matcher = matcher_of({"i am *what", "so * tired", "i *~3 feel"}, set_max_mem);
        REQUIRE(matcher->check_fits());
        CHECK_FALSE(matcher->compiled());
    }
    SECTION("too large together: the same error as compile()") {
        std::vector<std::string> sources;
        for (int i = 0; i < 40; ++i) sources.push_back("word" + std::to_string(i) + " *~20 *~20 end");
        auto checked = matcher_of(sources, std::int64_t{256} << 10);
        auto compiled = matcher_of(sources, std::int64_t{256} << 10);
        const auto check = checked->check_fits();
        const auto compile = compiled->compile();
        REQUIRE_FALSE(compile);
        REQUIRE_FALSE(check);
        CHECK(check.error() == compile.error());
    }
    SECTION("a bound above a third of the budget: built, as compile() would") {
        auto matcher = matcher_of({"i am *~20 *~20 *~20 tired"}, std::int64_t{256} << 10);
        const auto bound =
            program_size_bound(reframe::detail::translate_pattern("i am *~20 *~20 *~20 tired", {})->set_regex);
        REQUIRE(bound);
        REQUIRE(*bound > reframe::detail::instruction_budget(std::int64_t{256} << 10) / 3);
        REQUIRE(matcher->check_fits());
        CHECK(matcher->compiled());
    }
}

TEST_CASE("the bundled patterns compile in a budget only three times their bound", "[matcher][lint]") {
    // The margin check_fits() relies on, tried at its edge with the real patterns.
    const auto loaded = reframe::load_flow_dir(std::filesystem::path(REFRAME_SOURCE_DIR) / "dialogues");
    REQUIRE(loaded);
    const auto& flows = *loaded->flows;
    const auto matcher_with = [&](std::int64_t max_mem) {
        auto matcher = std::make_unique<reframe::detail::PatternMatcher>(reframe::detail::Strategy::sets, max_mem);
        for (reframe::PatternId id = 0; id < flows.patterns.size(); ++id) {
            const std::string& source = flows.patterns.source(id);
            if (is_regex_pattern(source)) {
                const std::string regex = source.substr(source.find("re:") + 3);
                auto compiled = reframe::detail::compile_regex(regex);
                REQUIRE(compiled);
                matcher->add(regex, std::move(*compiled), reframe::detail::Subject::joined);
            } else {
                auto translated = reframe::detail::translate_pattern(source, flows.lexicons);
                REQUIRE(translated);
                matcher->add(translated->set_regex, translated->capture_regex, reframe::detail::Subject::padded);
            }
        }
        return matcher;
    };
    const auto probe = matcher_with(reframe::detail::set_max_mem);
    const auto padded = probe->size_bound(reframe::detail::Subject::padded);
    const auto joined = probe->size_bound(reframe::detail::Subject::joined);
    REQUIRE(padded);
    REQUIRE(joined);
    const auto edge = static_cast<std::int64_t>(std::max(*padded, *joined)) * 3 * 64 + 64;
    REQUIRE(reframe::detail::instruction_budget(edge) / 3 >= std::max(*padded, *joined));
    const auto matcher = matcher_with(edge);
    REQUIRE(matcher->check_fits());
    CHECK_FALSE(matcher->compiled());
    CHECK(matcher->compile());
}
