// A turn tries only the interrupts its message's intents call for (FlowSet's
// interrupts_by_intent, filled by index_intents()); the answers must be those of trying every
// interrupt in order, which a flow set without the tables still does.
#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "bundled.hpp"
#include "engine_fixture.hpp"
#include "reframe/engine.hpp"
#include "reframe/loader.hpp"
#include "temp_dir.hpp"

using namespace reframe;
using reframe::testing::bundled;

namespace {

std::unique_ptr<Engine> engine_on(std::shared_ptr<const FlowSet> flows) {
    auto store = open_session_store(StoreOptions{":memory:"});
    REQUIRE(store);
    auto options = reframe::testing::unlimited();
    // One fixed time for both engines: a reply that carries it (an export's `exported_at`)
    // must not differ because the two turns fell either side of a second.
    options.unix_clock = [] { return std::int64_t{1'795'000'000}; };
    return std::make_unique<Engine>(std::move(flows), std::move(*store), std::move(options));
}

/// The bundled flows without the interrupt tables: every interrupt is tried, in order.
std::shared_ptr<const FlowSet> without_tables() {
    auto loaded = load_flow_dir(std::string{REFRAME_SOURCE_DIR} + "/dialogues");
    REQUIRE(loaded);
    // A load of its own, which nothing else shares yet (and a FlowSet cannot be copied).
    auto& flows = const_cast<FlowSet&>(*loaded->flows);
    flows.interrupts_indexed = false;
    flows.interrupts_by_intent.clear();
    flows.interrupts_without_intent.clear();
    return loaded->flows;
}

}  // namespace

TEST_CASE("the interrupt tables list each interrupt under the intents that can set it off", "[engine][interrupts]") {
    const FlowSet& flows = *bundled();
    REQUIRE(flows.interrupts_indexed);
    REQUIRE(flows.interrupts_by_intent.size() == flows.intents.size());
    std::size_t crisis_intents = 0;
    for (std::size_t i = 0; i < flows.intents.size(); ++i) {
        const auto& listed = flows.interrupts_by_intent[i];
        CHECK(std::is_sorted(listed.begin(), listed.end()));
        for (std::size_t r = 0; r < flows.interrupts.size(); ++r) {
            const Transition& rule = flows.interrupts[r].rule;
            const Intent& intent = flows.intents[i];
            const bool named = std::find(rule.intents.begin(), rule.intents.end(), intent.id) != rule.intents.end();
            const bool tagged = std::any_of(rule.tags.begin(), rule.tags.end(), [&](const std::string& tag) {
                return std::find(intent.tags.begin(), intent.tags.end(), tag) != intent.tags.end();
            });
            CAPTURE(intent.id, flows.interrupts[r].id);
            CHECK((std::find(listed.begin(), listed.end(), r) != listed.end()) == (named || tagged));
        }
        const auto& tags = flows.intents[i].tags;
        if (std::find(tags.begin(), tags.end(), "crisis") != tags.end()) ++crisis_intents;
    }
    CHECK(crisis_intents > 0);
    CHECK(flows.interrupts_without_intent.empty());  // every bundled interrupt names an intent or a tag
}

TEST_CASE("trying only the interrupts the intents call for answers as trying them all", "[engine][interrupts]") {
    // Every state of every bundled flow, with messages that set off interrupts (safety,
    // privacy, requests) and messages that set off none.
    const std::vector<std::string> texts = {
        "everyone would be better off without me",
        "crushing pain in my chest going down my left arm",
        "forget me",
        "export my data",
        "what do you keep about me",
        "stop the transcript",
        "help",
        "can we do the breathing",
        "how have i been doing",
        "stop",
        "i'm useless, i couldn't even finish the dishes",
        "i should be over this by now",
        "yes",
        "had a quiet day",
        "1",
    };
    auto indexed = engine_on(bundled());
    auto plain = engine_on(without_tables());
    std::size_t turns = 0, interrupted = 0;
    for (const auto& flow : bundled()->flows) {
        for (const auto& state : flow.states) {
            for (const auto& text : texts) {
                const std::string user = flow.id + "." + state.id + "|" + text;
                for (Engine* engine : {indexed.get(), plain.get()}) {
                    REQUIRE(engine->store().update(user, [&](SessionState& s, bool) {
                        s.at = Frame{flow.id, state.id};
                        s.seed = 11;
                        s.greeted = true;
                        s.consent = consent_declined;  // past the privacy notice
                    }));
                }
                const auto a = indexed->respond(user, text);
                const auto b = plain->respond(user, text);
                REQUIRE(a);
                REQUIRE(b);
                CAPTURE(flow.id, state.id, text);
                CHECK(a->messages == b->messages);
                CHECK(a->state == b->state);
                CHECK(a->safety == b->safety);
                ++turns;
                if (a->state.rfind(flow.id + ".", 0) != 0 || !a->safety.empty()) ++interrupted;
            }
        }
    }
    CHECK(turns > 500);
    CHECK(interrupted > 100);  // the comparison saw interrupts fire, not only state rules
}

TEST_CASE("an interrupt that names no intent is tried on every message", "[engine][interrupts]") {
    reframe::testing::TempDir dir;
    std::filesystem::copy(std::string{REFRAME_TEST_DATA} + "/fixtures/engine", dir.path(),
                          std::filesystem::copy_options::recursive);
    {
        const auto path = dir.path() / "settings.yaml";
        std::stringstream read;
        read << std::ifstream(path).rdbuf();
        std::string text = read.str();
        const auto at = text.find("interrupts:\n");
        REQUIRE(at != std::string::npos);
        text.insert(at + 12, "  - id: greeting\n    priority: 5\n    pattern: \"hello there\"\n    say: \"Hello.\"\n");
        std::ofstream(path) << text;
    }
    auto loaded = load_flow_dir(dir.path());
    REQUIRE(loaded);
    const auto& flows = *loaded->flows;
    REQUIRE(flows.interrupts_without_intent.size() == 1);
    CHECK(flows.interrupts[flows.interrupts_without_intent.front()].id == "greeting");
    auto engine = engine_on(loaded->flows);
    const auto reply = engine->respond("u", "well hello there");
    REQUIRE(reply);
    REQUIRE(reply->messages.size() == 1);
    CHECK(reply->messages.front() == "Hello.");
    CHECK(reply->intents.empty());  // no intent matched: the table's second list found it
}
