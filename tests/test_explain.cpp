// `reframe explain`: the explanation names the lexicon entry, the blocking guard, the
// winning rule and the shadowed ones, and agrees with a real turn.
#include <catch2/catch.hpp>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "bundled.hpp"
#include "cli_runner.hpp"
#include "engine_fixture.hpp"
#include "reframe/explain.hpp"

using namespace reframe;
using namespace reframe::testing;

namespace {

const RuleCheck* check_of(const Explanation& e, RuleCheck::Kind kind, std::size_t index) {
    const auto it = std::find_if(e.rules.begin(), e.rules.end(),
                                 [&](const RuleCheck& c) { return c.kind == kind && c.index == index; });
    return it == e.rules.end() ? nullptr : &*it;
}

const PatternHit* hit_of(const Explanation& e, const std::string& source) {
    const auto it =
        std::find_if(e.patterns.begin(), e.patterns.end(), [&](const PatternHit& h) { return h.source == source; });
    return it == e.patterns.end() ? nullptr : &*it;
}

Explanation explained(const std::string& text, const std::string& state = {}) {
    auto e = explain(load_fixture("authoring"), text, ExplainOptions{state, {}, 1, 16});
    REQUIRE(e);
    return std::move(*e);
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("explain: the tokens, the pattern, its lexicon entry and the intent", "[explain]") {
    const auto e = explained("I'm SO useless");
    REQUIRE(e.clauses.size() == 1);
    CHECK(e.clauses.front() == std::vector<std::string>{"i", "am", "so", "useless"});
    CHECK(e.from == "main.listen");
    const PatternHit* hit = hit_of(e, "i am *~2 {labels}");
    REQUIRE(hit != nullptr);
    CHECK(hit->intent_of == std::vector<std::string>{"label"});
    CHECK(hit->lexicon_entries == std::vector<std::pair<std::string, std::string>>{{"labels", "useless"}});
    REQUIRE(e.intents.size() == 1);
    CHECK(e.intents.front().found);
    CHECK(e.intents.front().intent->id == "label");
    CHECK(e.traps == std::vector<std::string>{"labeling"});
}

TEST_CASE("explain: the winning rule, why earlier ones did not fit, and the shadowed ones", "[explain]") {
    const auto e = explained("i am so useless");
    const auto* crisis = check_of(e, RuleCheck::Kind::interrupt, 0);
    REQUIRE(crisis != nullptr);
    CHECK(crisis->outcome == RuleCheck::Outcome::no_fit);
    CHECK(crisis->miss.reason == MissReason::tag_absent);
    CHECK(crisis->miss.detail == "crisis");
    const auto* greeting = check_of(e, RuleCheck::Kind::rule, 0);
    REQUIRE(greeting != nullptr);
    CHECK(greeting->outcome == RuleCheck::Outcome::no_fit);
    CHECK(greeting->miss.reason == MissReason::intent_absent);
    CHECK(check_of(e, RuleCheck::Kind::rule, 1)->miss.reason == MissReason::option_not_chosen);
    const auto* winner = e.fired();
    REQUIRE(winner != nullptr);
    CHECK(winner->kind == RuleCheck::Kind::rule);
    CHECK(winner->index == 2);  // tag: labeling
    CHECK(winner->at == "main.listen");
    const auto* shadowed = check_of(e, RuleCheck::Kind::rule, 3);  // tag: self_critical
    REQUIRE(shadowed != nullptr);
    CHECK(shadowed->outcome == RuleCheck::Outcome::lost);
    CHECK(e.reply.messages == std::vector<std::string>{"You said you are so useless.", "Many people feel this."});
    CHECK(e.reply.state == "main.humanity");
}

TEST_CASE("explain: a guard that stops an intent", "[explain]") {
    const auto e = explained("i'm not useless");
    REQUIRE(hit_of(e, "not *~2 {labels}") != nullptr);
    CHECK(hit_of(e, "not *~2 {labels}")->guard_of == std::vector<std::string>{"label"});
    REQUIRE(e.intents.size() == 1);
    const auto& stopped = e.intents.front();
    CHECK_FALSE(stopped.found);
    CHECK(stopped.intent->id == "label");
    CHECK(stopped.guard == "not *~2 {labels}");
    CHECK(stopped.pattern == "i am *~2 {labels}");
    CHECK(check_of(e, RuleCheck::Kind::rule, 2)->miss.reason == MissReason::tag_absent);
    REQUIRE(e.fired() != nullptr);
    CHECK(e.fired()->kind == RuleCheck::Kind::state_fallback);
    CHECK(e.reply.messages == std::vector<std::string>{"state fallback"});
}

TEST_CASE("explain: conditions, options, interrupts skipped in their own flow", "[explain]") {
    const auto option = explained("2");
    REQUIRE(option.fired() != nullptr);
    CHECK(option.fired()->index == 1);
    const auto condition = explained("whatever", "main.humanity");
    CHECK(check_of(condition, RuleCheck::Kind::rule, 1)->miss.reason == MissReason::condition_false);
    CHECK(check_of(condition, RuleCheck::Kind::rule, 1)->miss.detail == "mood == low");
    const auto in_help = explained("help", "help");
    const auto* help = check_of(in_help, RuleCheck::Kind::interrupt, 1);
    REQUIRE(help != nullptr);
    CHECK(help->outcome == RuleCheck::Outcome::skipped);
    CHECK(help->miss.reason == MissReason::own_flow);
}

TEST_CASE("explain agrees with a real turn", "[explain][engine]") {
    auto engine = memory_engine("authoring");
    for (const std::string text : {"i am so useless", "i'm not lazy", "hello", "i feel sad because of my back"}) {
        INFO(text);
        const auto e = engine->explain(text);
        REQUIRE(e);
        const Reply reply = say(*engine, "u-" + text, text);
        CHECK(e->reply.messages == reply.messages);
        CHECK(e->reply.state == reply.state);
        CHECK(e->reply.intents == reply.intents);
    }
}

TEST_CASE("explain: on the bundled flows a crisis wins over everything", "[explain][safety]") {
    auto e = explain(bundled(), "i'm useless and i want to kill myself");
    REQUIRE(e);
    REQUIRE_FALSE(e->rules.empty());
    const auto& first = e->rules.front();
    CHECK(first.kind == RuleCheck::Kind::interrupt);
    CHECK(first.interrupt->id == "crisis");
    CHECK(first.outcome == RuleCheck::Outcome::fired);
    CHECK(e->reply.safety == "crisis");
    // The state's own reframe would have fitted too, and lost.
    const bool reframe_lost = std::any_of(e->rules.begin(), e->rules.end(), [](const RuleCheck& c) {
        return c.kind == RuleCheck::Kind::rule && c.outcome == RuleCheck::Outcome::lost;
    });
    CHECK(reframe_lost);
    CHECK(std::none_of(e->rules.begin() + 1, e->rules.end(),
                       [](const RuleCheck& c) { return c.outcome == RuleCheck::Outcome::fired; }));
}

TEST_CASE("explain: an unknown state and an empty text are errors", "[explain]") {
    const auto flows = load_fixture("authoring");
    auto unknown = explain(flows, "hello", ExplainOptions{"main.lisen", {}, 1, 16});
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().message == "no state 'main.lisen' — did you mean 'main.listen'?");
    auto empty = explain(flows, "  ");
    REQUIRE_FALSE(empty);
    CHECK(contains(empty.error().message, "empty message"));
}

TEST_CASE("explain through the binary: words, JSON and errors", "[explain][cli]") {
    TempDir dir;
    const std::string flows = " --flows '" + fixture("authoring") + "'";
    auto words = run_reframe("explain" + flows + " \"i'm not useless, i'm just so useless\"", "", dir);
    REQUIRE(words.status == 0);
    CHECK(contains(words.out, "part 1: i am not useless"));
    CHECK(contains(words.out, "lexicon labels matched its entry \"useless\""));
    CHECK(contains(words.out, "because of the guard \"not *~2 {labels}\"") == false);  // found in part 2
    CHECK(contains(words.out, "✓ main.listen rule 3"));
    CHECK(contains(words.out, "○ main.listen rule 4"));
    CHECK(contains(words.out, "did not fit: no intent tagged crisis was found"));
    auto guard = run_reframe("explain" + flows + " \"i'm not useless\"", "", dir);
    CHECK(contains(guard.out, "'i am not useless' is not label because of the guard \"not *~2 {labels}\""));
    auto json_run = run_reframe("explain --json" + flows + " \"hello\"", "", dir);
    REQUIRE(json_run.status == 0);
    const auto j = nlohmann::json::parse(json_run.out);
    CHECK(j["fired"].get<std::string>().rfind("main.listen rule 1", 0) == 0);
    CHECK(j["reply"]["messages"] == nlohmann::json::array({"Hello."}));
    CHECK(j["safety"].is_null());
    auto unknown = run_reframe("explain" + flows + " --state main.lisen hello", "", dir);
    CHECK(unknown.status == 1);
    CHECK(contains(unknown.err, "did you mean 'main.listen'?"));
    auto empty = run_reframe("explain" + flows + " ''", "", dir);
    CHECK(empty.status == 1);
    CHECK(contains(empty.err, "empty message"));
    auto help = run_reframe("explain --help", "", dir);
    CHECK(help.status == 0);
    CHECK(contains(help.out, "--state"));
}
