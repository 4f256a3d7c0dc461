#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "pattern_compiler.hpp"
#include "pattern_matcher.hpp"
#include "reframe/pattern_set.hpp"
#include "reframe/text.hpp"

using reframe::LexiconTable;
using reframe::PatternId;
using reframe::PatternSet;

namespace {

LexiconTable test_lexicons() {
    LexiconTable table;
    table["harsh_labels"] = {"harsh_labels",
                             {"lazy", "useless", "a failure", "failure", "a burden", "waste of space", "pathetic"}};
    table["family"] = {"family", {"mum", "mother", "dad", "my partner"}};
    table["empty"] = {"empty", {}};
    return table;
}

/// A compiled set of `sources`; fails the test when one does not add.
PatternSet make_set(const std::vector<std::string>& sources, const LexiconTable& lexicons = test_lexicons()) {
    PatternSet set;
    for (const auto& source : sources) {
        const auto added = set.add(source, lexicons);
        INFO(source << ": " << (added ? "" : added.error().message));
        REQUIRE(added);
    }
    REQUIRE(set.compile());
    return set;
}

reframe::NormalizedText prepared(const PatternSet& set, const std::string& message) {
    auto text = reframe::normalize(message);
    set.canonicalize(text);
    return text;
}

/// Whether the one pattern of `set` matches anywhere in `message`.
bool matches(const PatternSet& set, const std::string& message) {
    return set.match(prepared(set, message)).matched_anywhere(0);
}

bool matches(const std::string& pattern, const std::string& message) { return matches(make_set({pattern}), message); }

/// The captures of the one pattern of `set` in the first clause of `message`.
reframe::Captures captures_of(const std::string& pattern, const std::string& message) {
    const PatternSet set = make_set({pattern});
    const auto text = prepared(set, message);
    REQUIRE_FALSE(text.clauses.empty());
    return set.captures(0, text.clauses.front());
}

reframe::PatternError error_of(const std::string& pattern, const LexiconTable& lexicons = test_lexicons()) {
    PatternSet set;
    const auto added = set.add(pattern, lexicons);
    REQUIRE_FALSE(added);
    return added.error();
}

}  // namespace

TEST_CASE("words match in order on token boundaries", "[matcher]") {
    CHECK(matches("i am tired", "Honestly I am tired all the time"));
    CHECK_FALSE(matches("i am tired", "tired i am"));
    CHECK_FALSE(matches("am", "the lamb"));
    CHECK_FALSE(matches("am", "lam"));
    CHECK_FALSE(matches("tired", "retired"));
    CHECK_FALSE(matches("tire", "tired"));
    CHECK(matches("am", "i am"));
}

TEST_CASE("pattern words are normalised like the message", "[matcher]") {
    CHECK(matches("i'm tired", "I am tired"));
    CHECK(matches("i am tired", "im tired"));
    CHECK(matches("I CAN'T cope", "i cant cope"));
    CHECK(matches("can not cope", "I can't cope"));
}

TEST_CASE("non-ascii words match after normalisation", "[matcher]") {
    CHECK(matches("café", "CAFÉ au lait"));
    CHECK(matches("{family} said", "Mum said"));
}

TEST_CASE("patterns match inside one clause only", "[matcher]") {
    const PatternSet set = make_set({"tired of"});
    const auto result = set.match(prepared(set, "I am tired. Of everything"));
    CHECK_FALSE(result.matched_anywhere(0));
    const auto second = set.match(prepared(set, "fine. So tired of this"));
    REQUIRE(second.by_clause.size() == 2);
    CHECK_FALSE(second.matched(0, 0));
    CHECK(second.matched(0, 1));
    CHECK_FALSE(second.matched(0, 7));
}

TEST_CASE("wildcards", "[matcher]") {
    SECTION("* is any number of words, also none") {
        CHECK(matches("i * tired", "i tired"));
        CHECK(matches("i * tired", "i am so very tired"));
        CHECK_FALSE(matches("i * tired", "tired i"));
    }
    SECTION("*name is at least one word, captured") {
        CHECK_FALSE(matches("i feel *what today", "i feel today"));
        const auto captured = captures_of("i feel * because *reason", "I feel awful because my back hurts");
        CHECK(captured == reframe::Captures{{"reason", "my back hurts"}});
        CHECK(captures_of("i feel *what today", "i feel really low today") ==
              reframe::Captures{{"what", "really low"}});
    }
    SECTION("*~N is at most N words") {
        CHECK(matches("i am *~2 tired", "i am tired"));
        CHECK(matches("i am *~2 tired", "i am so very tired"));
        CHECK_FALSE(matches("i am *~2 tired", "i am so very very tired"));
        CHECK(matches("i am *~0 tired", "i am tired"));
    }
}

TEST_CASE("lexicons", "[matcher]") {
    SECTION("any entry matches and is captured") {
        CHECK(matches("i am {harsh_labels}", "i am lazy"));
        CHECK(matches("i am {harsh_labels}", "I'm pathetic"));
        CHECK_FALSE(matches("i am {harsh_labels}", "i am lazyish"));
        CHECK(captures_of("i am {harsh_labels}", "i am useless") == reframe::Captures{{"harsh_labels", "useless"}});
    }
    SECTION("multiword entries match whole and the longest wins the capture") {
        CHECK(matches("i am a {harsh_labels}", "i am a waste of space"));
        CHECK_FALSE(matches("i am a {harsh_labels} today", "i am a waste of today"));
        CHECK(captures_of("i am {harsh_labels}", "i am a failure") == reframe::Captures{{"harsh_labels", "a failure"}});
        CHECK(captures_of("i am {harsh_labels}", "i am a burden to everyone") ==
              reframe::Captures{{"harsh_labels", "a burden"}});
    }
    SECTION("an empty lexicon never matches") {
        CHECK_FALSE(matches("i am {empty}", "i am"));
        CHECK_FALSE(matches("* {empty} *", "anything at all"));
    }
    SECTION("only the first use of a name captures") {
        const PatternSet set = make_set({"{family} and {family}"});
        CHECK(set.capture_names(0) == std::vector<std::string>{"family"});
        const auto text = prepared(set, "mum and dad");
        CHECK(set.match(text).matched_anywhere(0));
        CHECK(set.captures(0, text.clauses.front()) == reframe::Captures{{"family", "mum"}});
    }
}

TEST_CASE("optional and choice groups", "[matcher]") {
    const std::string optional = "i am [so|really] tired";
    CHECK(matches(optional, "i am tired"));
    CHECK(matches(optional, "i am so tired"));
    CHECK(matches(optional, "i am really tired"));
    CHECK_FALSE(matches(optional, "i am very tired"));

    const std::string choice = "(mum|my mother) said";
    CHECK(matches(choice, "mum said"));
    CHECK(matches(choice, "my mother said"));
    CHECK_FALSE(matches(choice, "mother said"));
    CHECK_FALSE(matches(choice, "said"));

    SECTION("alternatives may hold lexicons and nested groups") {
        CHECK(matches("i am [a|an] ({harsh_labels}|(total|utter) mess)", "im an utter mess"));
        CHECK(matches("i am [a|an] ({harsh_labels}|(total|utter) mess)", "i am pathetic"));
        CHECK(captures_of("[really {harsh_labels}] me", "me").empty());
    }
}

TEST_CASE("anchors", "[matcher]") {
    CHECK(matches("^ i am", "i am here"));
    CHECK_FALSE(matches("^ i am", "so i am here"));
    CHECK(matches("tired $", "i am tired"));
    CHECK_FALSE(matches("tired $", "tired again"));
    CHECK(matches("^ tired $", "tired. and more"));
    CHECK(matches("^tired$", "Tired!"));
    CHECK_FALSE(matches("^ tired $", "so tired"));
}

TEST_CASE("canonicalize maps stretched words onto pattern words", "[matcher]") {
    const PatternSet set = make_set({"i am so {harsh_labels}"});
    CHECK(matches(set, "i am sooo useless"));
    CHECK(matches(set, "im soooooo uselesssss"));

    auto text = reframe::normalize("soooo tired");
    set.canonicalize(text);
    REQUIRE(text.clauses.size() == 1);
    CHECK(text.clauses[0].tokens[0].text == "so");
    CHECK(text.clauses[0].joined == "so tired");

    SECTION("words that are not stretched are left alone") {
        auto plain = reframe::normalize("soo sooo");  // only the second was cut
        set.canonicalize(plain);
        CHECK(plain.clauses[0].joined == "soo so");
    }
    SECTION("a known word is kept even when stretched") {
        const PatternSet both = make_set({"so", "soo"});
        auto kept = reframe::normalize("sooo");
        both.canonicalize(kept);
        CHECK(kept.clauses[0].joined == "soo");
    }
}

TEST_CASE("regex patterns run over the joined clause", "[matcher]") {
    CHECK(matches("re:^i (am|feel) (so )?tired$", "I feel so tired"));
    CHECK_FALSE(matches("re:^i (am|feel) (so )?tired$", "i feel so tired today"));
    CHECK(matches("  re:\\bback pain\\b", "my back pain again"));
    CHECK(captures_of("re:(?P<level>\\d+) out of 10", "pain is 7 out of 10") == reframe::Captures{{"level", "7"}});
    const PatternSet set = make_set({"re:(?P<feeling>\\w+) today"});
    CHECK(set.capture_names(0) == std::vector<std::string>{"feeling"});
}

TEST_CASE("captures of a pattern that does not match are empty", "[matcher]") {
    const PatternSet set = make_set({"i feel *what"});
    const auto text = prepared(set, "nothing here");
    CHECK(set.captures(0, text.clauses.front()).empty());
}

TEST_CASE("parse errors carry an offset and a short message", "[matcher]") {
    struct Case {
        std::string pattern;
        std::size_t offset;
        std::string message_part;
    };
    const std::vector<Case> cases = {
        {"", 0, "empty pattern"},
        {"   ", 0, "empty pattern"},
        {"^ $", 0, "empty pattern"},
        {"i am [so|really tired", 5, "unclosed '['"},
        {"i am (so|really tired", 5, "unclosed '('"},
        {"i am so] tired", 7, "unmatched ']'"},
        {"i am [so|really) tired", 15, "')' does not close '['"},
        {"i am [so||really]", 9, "empty alternative"},
        {"i am []", 6, "empty alternative"},
        {"i am (so|)", 9, "empty alternative"},
        {"i | am", 2, "'|' outside brackets"},
        {"i am *~ tired", 5, "'*~' needs a number"},
        {"i am *~x tired", 5, "'*~' needs a number"},
        {"i am *~21 tired", 5, "gap longer than 20"},
        {"i am *~999 tired", 5, "gap longer than 20"},
        {"i feel *Reason", 8, "bad variable name 'Reason'"},
        {"i feel *1st", 8, "bad variable name"},
        {"i am {harsh_lables}", 6, "unknown lexicon 'harsh_lables'"},
        {"i am {harsh_labels", 5, "unclosed '{'"},
        {"i am {}", 5, "empty lexicon name"},
        {"i am } x", 5, "unmatched '}'"},
        {"i ^ am", 2, "'^' only at the start"},
        {"i $ am", 2, "'$' only at the end"},
        {"[i $]", 3, "'$' only at the end"},
        {"i am !!!", 5, "removed by normalisation"},
    };
    for (const auto& c : cases) {
        INFO("pattern: " << c.pattern);
        const auto error = error_of(c.pattern);
        CHECK(error.offset == c.offset);
        CHECK_THAT(error.message, Catch::Matchers::Contains(c.message_part));
    }
}

TEST_CASE("an unknown lexicon suggests a close name", "[matcher]") {
    const auto error = error_of("i am {harsh_lables}");
    CHECK_THAT(error.message, Catch::Matchers::Contains("did you mean 'harsh_labels'"));
}

TEST_CASE("bad regexes are rejected with RE2's message", "[matcher]") {
    const auto unbalanced = error_of("re:(i am");
    CHECK(unbalanced.offset == 3);
    CHECK_THAT(unbalanced.message, Catch::Matchers::StartsWith("bad regex: missing )"));
    CHECK_THAT(error_of("re:a(?=b)").message, Catch::Matchers::StartsWith("bad regex:"));
    CHECK_THAT(error_of("re:(?P<Big>x)").message, Catch::Matchers::Contains("bad variable name 'Big'"));
    CHECK_THAT(error_of("re:").message, Catch::Matchers::Contains("empty regex"));
    // A failed add() leaves no trace: the next pattern still gets id 0.
    PatternSet set;
    CHECK_FALSE(set.add("re:(x", {}));
    CHECK(set.add("fine", {}).value() == 0);
    CHECK(set.size() == 1);
}

TEST_CASE("a large set reports exactly the matching ids", "[matcher]") {
    const LexiconTable lexicons = test_lexicons();
    PatternSet set;
    std::vector<std::string> sources;
    for (int i = 0; i < 300; ++i) {
        const std::string n = std::to_string(i);
        sources.push_back("word" + n + " *~2 {harsh_labels}");
        sources.push_back("^ start" + n + " * end" + n + " $");
        sources.push_back("re:^num" + n + " (?P<rest>.*)$");
    }
    for (const auto& source : sources) REQUIRE(set.add(source, lexicons));
    REQUIRE(set.compile());
    REQUIRE(set.size() == 900);

    const auto result = set.match(prepared(set, "word7 so lazy. start12 x y end12, num5 whatever; word8 ok"));
    REQUIRE(result.by_clause.size() == 4);
    CHECK(result.by_clause[0] == std::vector<PatternId>{7 * 3});
    CHECK(result.by_clause[1] == std::vector<PatternId>{12 * 3 + 1});
    CHECK(result.by_clause[2] == std::vector<PatternId>{5 * 3 + 2});
    CHECK(result.by_clause[3].empty());
    CHECK(result.matched_anywhere(12 * 3 + 1));
    CHECK_FALSE(result.matched_anywhere(12 * 3));
    CHECK(set.source(7 * 3) == "word7 *~2 {harsh_labels}");
    CHECK(set.capture_names(7 * 3) == std::vector<std::string>{"harsh_labels"});
}

TEST_CASE("several patterns match the same clause", "[matcher]") {
    const PatternSet set = make_set({"tired", "i am *", "nothing", "re:tired$", "*"});
    const auto result = set.match(prepared(set, "i am tired"));
    REQUIRE(result.by_clause.size() == 1);
    CHECK(result.by_clause[0] == std::vector<PatternId>{0, 1, 3, 4});
}

TEST_CASE("hostile input finishes", "[matcher]") {
    std::string huge;
    for (int i = 0; i < 500'000; ++i) huge += "a ";
    const PatternSet set = make_set({"a * a * a * b", "*x a *y a *z", "re:(a+ ?)*(b|c)", "a {harsh_labels}"});
    const auto text = prepared(set, huge);
    const auto result = set.match(text);
    REQUIRE(result.by_clause.size() == 1);
    CHECK(result.by_clause[0] == std::vector<PatternId>{1});
    const auto captured = set.captures(1, text.clauses[0]);
    CHECK(captured.size() == 3);
}

namespace {

using reframe::detail::PatternMatcher;

/// Adds `source` to `matcher` the way PatternSet::add() would.
void add_to(PatternMatcher& matcher, const std::string& source, const LexiconTable& lexicons) {
    if (source.rfind("re:", 0) == 0) {
        matcher.add(source.substr(3), source.substr(3), reframe::detail::Subject::joined);
        return;
    }
    const auto translated = reframe::detail::translate_pattern(source, lexicons);
    REQUIRE(translated);
    REQUIRE(reframe::detail::compile_regex(translated->capture_regex));
    matcher.add(translated->set_regex, translated->capture_regex, reframe::detail::Subject::padded);
}

/// One to twelve words drawn from a small vocabulary, from a fixed-seed generator.
std::string random_message(std::uint32_t& seed) {
    static const std::vector<std::string> words = {"a",    "b",  "c",     "d",  "x",       "mum", "dad",  "is",
                                                   "lazy", "of", "space", "my", "failure", "q",   "waste"};
    const auto next = [&seed] { return seed = seed * 1664525u + 1013904223u; };
    std::string message;
    const std::uint32_t length = 1 + (next() >> 24) % 12;
    for (std::uint32_t i = 0; i < length; ++i) message += words[(next() >> 16) % words.size()] + " ";
    return message;
}

std::vector<PatternId> sorted_matches(const PatternMatcher& matcher, const reframe::Clause& clause) {
    std::string scratch;
    std::vector<PatternId> ids;
    matcher.match(clause, scratch, ids);
    std::sort(ids.begin(), ids.end());
    return ids;
}

}  // namespace

TEST_CASE("the combined sets agree with the single regexes", "[matcher]") {
    // The single regexes are what match() falls back to when a set fails, and the
    // reference for the set translation (whose lexicons are ordered differently).
    const LexiconTable lexicons = test_lexicons();
    PatternMatcher sets(reframe::detail::Strategy::sets);
    PatternMatcher singles(reframe::detail::Strategy::single_regexes);
    for (const std::string source :
         {"a * b * c", "b *~3 {harsh_labels} *~2 c", "{family} * {harsh_labels}", "x", "^ a", "d $",
          "[my] (mum|dad) [is|was] {harsh_labels}", "*what a {harsh_labels}", "re:^a\\b", "re:c d$"}) {
        add_to(sets, source, lexicons);
        add_to(singles, source, lexicons);
    }
    REQUIRE(sets.compile());
    REQUIRE(singles.compile());
    std::uint32_t seed = 12345;
    std::size_t hits = 0;
    for (int round = 0; round < 2000; ++round) {
        const std::string message = random_message(seed);
        INFO("message: " << message);
        for (const auto& clause : reframe::normalize(message).clauses) {
            const auto from_sets = sorted_matches(sets, clause);
            REQUIRE(from_sets == sorted_matches(singles, clause));
            hits += from_sets.size();
        }
    }
    CHECK(hits > 1000);
    CHECK(sets.fallbacks() == 0);
}

TEST_CASE("using a set before compile() is a programming error", "[matcher]") {
    PatternSet set;
    REQUIRE(set.add("x", {}));
    const auto text = reframe::normalize("x");
    CHECK_THROWS_AS(set.match(text), std::logic_error);
    REQUIRE(set.compile());
    CHECK_THROWS_AS(set.add("y", {}), std::logic_error);
    CHECK(set.match(text).matched(0, 0));
}

TEST_CASE("match and captures run from many threads at once", "[matcher]") {
    const PatternSet set = make_set({"i am *~2 {harsh_labels}", "i feel * because *reason", "re:(?P<n>\\d+)"});
    const auto text = prepared(set, "i am so lazy, i feel bad because of 3 things");
    const auto expected = set.match(text);
    std::vector<std::thread> threads;
    std::vector<int> agreed(8, 0);
    for (std::size_t t = 0; t < agreed.size(); ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 200; ++i) {
                const bool same = set.match(text).by_clause == expected.by_clause &&
                                  set.captures(1, text.clauses[1]).at("reason") == "of 3 things" &&
                                  set.captures(2, text.clauses[1]).at("n") == "3";
                agreed[t] += same ? 1 : 0;
            }
        });
    }
    for (auto& thread : threads) thread.join();
    CHECK(agreed == std::vector<int>(8, 200));
}

TEST_CASE("an empty set matches nothing", "[matcher]") {
    PatternSet set;
    CHECK(set.match(reframe::normalize("not compiled")).by_clause.at(0).empty());
    REQUIRE(set.compile());
    const auto result = set.match(reframe::normalize("anything. at all"));
    REQUIRE(result.by_clause.size() == 2);
    CHECK(result.by_clause[0].empty());
    CHECK(result.by_clause[1].empty());
}

TEST_CASE("a moved set keeps working", "[matcher]") {
    PatternSet first = make_set({"tired"});
    PatternSet second = std::move(first);
    CHECK(matches(second, "so tired"));
}

TEST_CASE("a pattern too big for one RE2's default budget still matches and captures", "[matcher]") {
    // 3,000 gaps of up to 20 words are some 720,000 RE2 instructions: more than a single
    // regex's default budget (8 MB), less than the set's (128 MB). The capture regex is
    // compiled on first use, with the set's budget when the default one is too small.
    std::string pattern = "i am";
    for (int i = 0; i < 3000; ++i) pattern += " *~20";
    pattern += " *what";
    const auto translated = reframe::detail::translate_pattern(pattern, test_lexicons());
    REQUIRE(translated);
    REQUIRE_FALSE(reframe::detail::compile_regex(translated->capture_regex));
    const PatternSet set = make_set({pattern});
    const auto text = prepared(set, "well i am tired");
    CHECK(set.match(text).matched(0, 0));
    CHECK(set.captures(0, text.clauses.front()) == reframe::Captures{{"what", "tired"}});
}

TEST_CASE("a lexicon changed between two patterns is rendered again", "[matcher]") {
    // PatternSet keeps each lexicon's rendered alternation while patterns are added; the
    // cache must not hand the second pattern the first pattern's entries.
    LexiconTable lexicons;
    lexicons["who"] = {"who", {"mum", "my dad"}};
    PatternSet set;
    REQUIRE(set.add("i miss {who}", lexicons));
    REQUIRE(set.add("i miss {who} so much", lexicons));
    lexicons["who"].entries = {"my sister"};
    REQUIRE(set.add("call {who}", lexicons));
    REQUIRE(set.compile());
    const auto text = prepared(set, "i miss my dad so much. call my sister. call mum");
    const auto found = set.match(text);
    CHECK(found.matched(0, 0));
    CHECK(found.matched(1, 0));
    CHECK(found.matched(2, 1));
    CHECK_FALSE(found.matched(2, 2));
    CHECK(set.captures(1, text.clauses[0]) == reframe::Captures{{"who", "my dad"}});
    CHECK(set.captures(2, text.clauses[1]) == reframe::Captures{{"who", "my sister"}});
}
