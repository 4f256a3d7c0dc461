// What one message shows: intents found clause by clause, and — for intents with
// `scope: message` — over the whole message as one piece.
#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <string>

#include "analysis.hpp"
#include "reframe/engine.hpp"
#include "reframe/loader.hpp"
#include "temp_dir.hpp"

using namespace reframe;

namespace {

const char* const flow_files = R"yaml(settings:
  entry: main
flow: main
start: listen
states:
  listen:
    say: "I'm listening."
    on:
      - pattern: "saving *~2 pills *~6 (for when|too much)"
        say: "inline pattern"
    fallback:
      say: "Go on."
)yaml";

/// The same pattern twice: once clause-scoped (the default), once message-scoped.
const char* const intent_file = R"yaml(intents:
  stockpiling_clause:
    tags: [crisis]
    patterns: ["saving *~2 pills *~6 (for when|too much)"]
  stockpiling_message:
    tags: [crisis]
    scope: message
    patterns: ["saving *~2 pills *~6 (for when|too much)"]
    unless: ["(gp|doctor) (said|told me)"]
  ends_message:
    scope: message
    patterns: ["^ i am done *~2 $"]
)yaml";

std::shared_ptr<const FlowSet> load_scoped() {
    static const auto flows = [] {
        testing::TempDir dir;
        dir.write("main.yaml", flow_files);
        dir.write("intents.yaml", intent_file);
        auto loaded = load_flow_dir(dir.path());
        if (!loaded) {
            for (const auto& d : loaded.error()) UNSCOPED_INFO(d.to_string());
        }
        REQUIRE(loaded);
        return loaded->flows;
    }();
    return flows;
}

bool shows(const Analysis& analysis, const std::string& intent) { return analysis.find(intent) != nullptr; }

}  // namespace

TEST_CASE("the loader reads an intent's scope; clause is the default", "[loader]") {
    const auto flows = load_scoped();
    REQUIRE(flows->find_intent("stockpiling_clause") != nullptr);
    CHECK(flows->find_intent("stockpiling_clause")->scope == IntentScope::clause);
    CHECK(flows->find_intent("stockpiling_message")->scope == IntentScope::message);
}

TEST_CASE("a crisis split over two clauses is caught only by a message-scoped intent", "[matcher][safety]") {
    const auto flows = load_scoped();
    const Analysis split = analyze(*flows, "i've been saving my pills. for when it gets too much");
    REQUIRE(split.text.clauses.size() == 2);
    CHECK_FALSE(shows(split, "stockpiling_clause"));
    REQUIRE(shows(split, "stockpiling_message"));
    CHECK(split.find("stockpiling_message")->clause == split.whole_message());
    CHECK(split.has_tag(tag_crisis));
}

TEST_CASE("a clause-scoped intent still does not match across clauses", "[matcher]") {
    const auto flows = load_scoped();
    for (const char* text :
         {"saving, my pills, for when", "saving my pills but for when", "saving my - pills for when"}) {
        INFO(text);
        const Analysis analysis = analyze(*flows, text);
        CHECK_FALSE(shows(analysis, "stockpiling_clause"));
        CHECK(shows(analysis, "stockpiling_message"));
    }
}

TEST_CASE("in a message of one clause both scopes match that clause", "[matcher]") {
    const auto flows = load_scoped();
    const Analysis one = analyze(*flows, "been saving up my pills for when it gets too much");
    REQUIRE(one.text.clauses.size() == 1);
    REQUIRE(shows(one, "stockpiling_clause"));
    REQUIRE(shows(one, "stockpiling_message"));
    CHECK(one.find("stockpiling_message")->clause == 0);
    CHECK(one.message_matches.empty());  // no second pass: the clause is the whole message
}

TEST_CASE("a message-scoped guard stops its intent from any clause", "[matcher][safety]") {
    const auto flows = load_scoped();
    const Analysis guarded_elsewhere =
        analyze(*flows, "the gp said it is fine. i am saving my pills for when i travel");
    CHECK_FALSE(shows(guarded_elsewhere, "stockpiling_message"));
    // The clause-scoped twin only sees its own clause, where no guard is.
    CHECK(shows(guarded_elsewhere, "stockpiling_clause"));
}

TEST_CASE("anchors of a message-scoped pattern are the ends of the message", "[matcher]") {
    const auto flows = load_scoped();
    CHECK(shows(analyze(*flows, "i'm done. honestly."), "ends_message"));
    CHECK_FALSE(shows(analyze(*flows, "i'm done. with this weather, the rain, the grey skies"), "ends_message"));
}

TEST_CASE("a rule's own patterns stay within one clause", "[matcher]") {
    const auto flows = load_scoped();
    const Analysis split = analyze(*flows, "saving my pills. for when");
    CHECK_FALSE(match_patterns(split, flows->find_flow("main")->find_state("listen")->on[0].patterns, {}));
    const Analysis one = analyze(*flows, "saving my pills for when");
    CHECK(match_patterns(one, flows->find_flow("main")->find_state("listen")->on[0].patterns, {}));
}

TEST_CASE("classify reports a crisis that spans clauses", "[engine][safety]") {
    auto store = open_session_store(StoreOptions{":memory:"});
    REQUIRE(store);
    Engine engine(load_scoped(), std::move(*store));
    const Classification c = engine.classify("i've been saving my pills; for when it gets too much");
    CHECK(c.crisis);
    CHECK(std::find(c.intents.begin(), c.intents.end(), "stockpiling_message") != c.intents.end());
    CHECK(std::find(c.intents.begin(), c.intents.end(), "stockpiling_clause") == c.intents.end());
}
