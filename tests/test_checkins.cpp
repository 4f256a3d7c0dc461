// Check-ins over time: a rule's record:, {history.…}, and questionnaires with reverse items.
#include <catch2/catch.hpp>

#include <atomic>
#include <memory>
#include <string>

#include "reframe/engine.hpp"
#include "reframe/history.hpp"
#include "reframe/loader.hpp"
#include "temp_dir.hpp"

using namespace reframe;
using reframe::testing::TempDir;

namespace {

constexpr std::int64_t day = 86'400;
constexpr std::int64_t monday = 1'795'000'000;

const char* const settings = "settings:\n  entry: main\n";

const char* const checkin_flow = R"yaml(flow: main
start: ask
states:
  ask:
    say: "How much pain, 0 to 10?"
    on:
      - pattern: 're:\b(?P<pain>10|[0-9])\b'
        record: {pain: "{pain}"}
        goto: told
      - pattern: "i managed *note"
        record: {kind_act: "{note}"}
        goto: told
      - pattern: "how am i doing"
        goto: summary
  told:
    say: "Noted."
    next: ask
  summary:
    say: "{history.days} days. Pain {history.pain.spark} from {history.pain.first} to {history.pain.last}, mean {history.pain.mean}, {history.pain.trend|default:'no trend yet'}. Wins: {history.kind_act.notes|default:'none yet'}."
    next: ask
)yaml";

const char* const questionnaire = R"yaml(questionnaire: kindness
description: a test instrument
intro: "A few statements."
scale: ["Never", "Sometimes", "Often", "Always"]
items:
  - id: kind
    text: "I am kind to myself."
  - id: harsh
    text: "I am harsh with myself."
    reverse: true
done: "Your score is {kindness.score}; over time {history.kindness.spark}."
)yaml";

/// An engine over the flows written into `dir`, sessions in memory.
std::unique_ptr<Engine> engine_over(const TempDir& dir) {
    auto loaded = load_flow_dir(dir.path());
    if (!loaded) {
        for (const auto& d : loaded.error()) UNSCOPED_INFO(d.to_string());
    }
    REQUIRE(loaded);
    auto store = open_session_store(StoreOptions{":memory:"});
    REQUIRE(store);
    return std::make_unique<Engine>(loaded->flows, std::move(*store));
}

struct Clinic {
    TempDir dir;
    std::shared_ptr<std::atomic<std::int64_t>> now = std::make_shared<std::atomic<std::int64_t>>(monday);
    std::unique_ptr<Engine> engine;

    explicit Clinic(const std::string& flow, const std::string& extra = {}) {
        dir.write("flows/settings.yaml", settings);
        dir.write("flows/main.yaml", flow);
        if (!extra.empty()) dir.write("flows/extra.yaml", extra);
        auto loaded = load_flow_dir(dir.file("flows"));
        if (!loaded) {
            for (const auto& d : loaded.error()) UNSCOPED_INFO(d.to_string());
        }
        REQUIRE(loaded);
        auto store = open_session_store(StoreOptions{dir.file("c.db").string()});
        REQUIRE(store);
        EngineOptions options;
        options.unix_clock = [clock = now] { return clock->load(); };
        options.rate_per_minute = 0;
        engine = std::make_unique<Engine>(loaded->flows, std::move(*store), options);
    }

    std::string say(const std::string& text) {
        auto reply = engine->respond("pat", text);
        if (!reply) FAIL(reply.error().message);
        std::string out;
        for (const auto& m : reply->messages) out += m + "\n";
        return out;
    }
};

}  // namespace

TEST_CASE("check-ins on three days give a three-day summary with a sparkline and a trend", "[checkin]") {
    Clinic clinic(checkin_flow);
    clinic.say("about a 7 today");
    clinic.say("i managed a short walk");
    *clinic.now += day;
    clinic.say("5");
    *clinic.now += day;
    clinic.say("3 i think");
    clinic.say("i managed to call my sister");
    const auto summary = clinic.say("how am i doing");
    CHECK_THAT(summary, Catch::Contains("3 days."));
    CHECK_THAT(summary, Catch::Contains("from 7 to 3"));
    CHECK_THAT(summary, Catch::Contains("mean 5,") || Catch::Contains("mean 5."));
    CHECK_THAT(summary, Catch::Contains("down"));
    CHECK_THAT(summary, Catch::Contains("Wins: a short walk; to call my sister."));
    // 14 days, oldest first: eleven without a check-in, then 7, 5 and 3 on a 0-10 scale.
    CHECK_THAT(summary, Catch::Contains("Pain ···········▆▅▃ from"));

    auto stored = clinic.engine->store().export_data("pat");
    REQUIRE(stored);
    REQUIRE(stored->measures.size() == 5);
    CHECK(stored->measures[0] == Measure{monday, "pain", "7"});
    CHECK(stored->measures[4] == Measure{monday + 2 * day, "kind_act", "to call my sister"});

    SECTION("a second check-in on the same day replaces the first in the summary") {
        clinic.say("2");
        CHECK_THAT(clinic.say("how am i doing"), Catch::Contains("from 7 to 2"));
    }
    SECTION("forget me erases the measures too") {
        REQUIRE(clinic.engine->forget("pat"));
        CHECK(clinic.engine->store().export_data("pat")->measures.empty());
    }
}

TEST_CASE("history fields read as documented", "[checkin]") {
    History h;
    const std::int64_t today = 20'000;
    record_value(h, "pain", today - 20, "9");  // outside the 14-day window
    record_value(h, "pain", today - 2, "6");
    record_value(h, "pain", today - 1, "six and a half");  // a note, not a number
    record_value(h, "pain", today, "7");
    CHECK(history_text(h, "pain", "count", today) == "3");
    CHECK(history_text(h, "pain", "first", today) == "6");
    CHECK(history_text(h, "pain", "mean", today) == "6.5");
    CHECK(history_text(h, "pain", "last", today) == "7");
    CHECK(history_text(h, "pain", "trend", today) == "up");
    record_value(h, "pain", today, "6.5");  // replaces today's value
    CHECK(history_text(h, "pain", "trend", today) == "steady");
    CHECK(history_text(h, "pain", "notes", today) == "six and a half");
    CHECK(history_text(h, "pain", "nonsense", today) == std::nullopt);
    CHECK(history_text(h, "energy", "count", today) == "0");
    CHECK(history_days(h, today) == "3");
    CHECK(parse_number("six") == 6.0);
    CHECK(parse_number("7/10") == 7.0);
    CHECK(parse_number("lots") == std::nullopt);
    record_value(h, "pain", today + history_kept_days, "1");
    CHECK(h["pain"].size() == 1);  // older values dropped from the session
}

TEST_CASE("a questionnaire asks each item, scores reverse items, and keeps the mean over time", "[checkin]") {
    const std::string caller = R"yaml(flow: main
start: ask
states:
  ask:
    say: "Hello."
    on:
      - pattern: "questions"
        call: kindness
    fallback:
      say: "Say questions."
)yaml";
    Clinic clinic(caller, questionnaire);
    const auto first = clinic.say("questions");
    CHECK_THAT(first, Catch::Contains("A few statements.\nI am kind to myself."));
    CHECK_THAT(clinic.say("maybe"), Catch::Contains("a number from 1 to 4"));     // re-asks
    CHECK_THAT(clinic.say("Often"), Catch::Contains("I am harsh with myself."));  // kind = 3
    const auto done = clinic.say("1");                                            // harsh, reversed: "Never" scores 4
    CHECK_THAT(done, Catch::Contains("Your score is 3.5"));
    CHECK_THAT(done, Catch::Contains("Hello."));  // back where it was called from

    auto stored = clinic.engine->store().export_data("pat");
    REQUIRE(stored);
    REQUIRE(stored->measures.size() == 3);
    CHECK(stored->measures[0].name == "kindness.kind");
    CHECK(stored->measures[0].value == "3");
    CHECK(stored->measures[1].name == "kindness.harsh");
    CHECK(stored->measures[1].value == "4");
    CHECK(stored->measures[2].name == "kindness");
    CHECK(stored->measures[2].value == "3.5");
}

TEST_CASE("questionnaire mistakes are diagnostics", "[checkin][loader]") {
    TempDir dir;
    dir.write("settings.yaml", settings);
    dir.write("main.yaml", "flow: main\nstart: a\nstates:\n  a:\n    say: hi\n    end: true\n");
    SECTION("no items") {
        dir.write("q.yaml", "questionnaire: q\nscale: [a, b]\n");
        const auto result = load_flow_dir(dir.path());
        REQUIRE_FALSE(result);
        CHECK(result.error().front().code == "RF0108");
    }
    SECTION("a scale of one answer") {
        dir.write("q.yaml", "questionnaire: q\nscale: [a]\nitems:\n  - id: x\n    text: t\n");
        const auto result = load_flow_dir(dir.path());
        REQUIRE_FALSE(result);
        CHECK(result.error().front().code == "RF0111");
    }
    SECTION("two items with one id") {
        dir.write("q.yaml",
                  "questionnaire: q\nscale: [a, b]\nitems:\n  - id: x\n    text: t\n  - id: x\n    text: u\n");
        const auto result = load_flow_dir(dir.path());
        REQUIRE_FALSE(result);
        CHECK(result.error().front().code == "RF0112");
    }
    SECTION("a flow and a questionnaire in one document") {
        dir.write("q.yaml", "questionnaire: q\nflow: q\nscale: [a, b]\nitems:\n  - id: x\n    text: t\n");
        const auto result = load_flow_dir(dir.path());
        REQUIRE_FALSE(result);
        CHECK(result.error().front().code == "RF0111");
    }
}

TEST_CASE("pacing gives each message a typing pause within the bounds", "[pacing]") {
    const std::string paced = std::string(settings) + "  pacing: {ms_per_word: 100, min_ms: 300, max_ms: 1000}\n";
    TempDir dir;
    dir.write("settings.yaml", paced);
    dir.write("main.yaml",
              "flow: main\nstart: a\nstates:\n  a:\n    say: hi\n    fallback:\n      say: [[\"Ok.\", \"one two "
              "three four five six seven eight nine ten eleven twelve\", \"one two three four five\"]]\n");
    const auto owned = engine_over(dir);
    Engine& engine = *owned;
    auto reply = engine.respond("u", "anything");
    REQUIRE(reply);
    CHECK(reply->pauses_ms == std::vector<int>{300, 1000, 500});

    SECTION("without pacing every pause is 0") {
        Clinic clinic(checkin_flow);
        auto plain = clinic.engine->respond("p", "hello");
        REQUIRE(plain);
        CHECK(plain->pauses_ms == std::vector<int>(plain->messages.size(), 0));
    }
}

TEST_CASE("going quiet mid-conversation gets a gentle ending; at rest it says nothing", "[pacing]") {
    TempDir dir;
    dir.write("settings.yaml", std::string(settings) + "  quiet: \"I'll leave this here for now.\"\n");
    dir.write("main.yaml",
              "flow: main\nstart: a\nstates:\n  a:\n    say: hi\n    on:\n      - pattern: go\n        goto: b\n"
              "      - pattern: pause\n        goto: c\n"
              "  b:\n    say: \"in b\"\n    fallback:\n      say: still b\n"
              "  c:\n    tags: [resting]\n    say: paused\n    fallback:\n      goto: a\n");
    const auto owned = engine_over(dir);
    Engine& engine = *owned;

    auto stranger = engine.quiet("nobody");
    REQUIRE(stranger);
    CHECK(stranger->messages.empty());
    CHECK_FALSE(engine.store().load("nobody")->has_value());  // nothing stored

    REQUIRE(engine.respond("u", "go"));
    auto ending = engine.quiet("u");
    REQUIRE(ending);
    CHECK(ending->messages == std::vector<std::string>{"I'll leave this here for now."});
    CHECK(ending->state == "main.a");  // rests at the entry
    auto again = engine.quiet("u");
    REQUIRE(again);
    CHECK(again->messages.empty());  // already resting: no second goodbye

    REQUIRE(engine.respond("u", "pause"));
    auto paused = engine.quiet("u");
    REQUIRE(paused);
    CHECK(paused->messages.empty());  // a state tagged `resting` is a pause already
    CHECK(engine.store().load("u")->value().at.state == "c");
}

TEST_CASE("again: hands the same message to the target state's rules, without its prompt", "[engine]") {
    TempDir dir;
    dir.write("settings.yaml", settings);
    dir.write("main.yaml", R"yaml(flow: main
start: a
states:
  a:
    say: "prompt of a"
    on:
      - pattern: "apple"
        say: "a heard apple"
      - pattern: "go"
        goto: b
  b:
    say: "prompt of b"
    on:
      - pattern: "loop"
        goto: b
        again: true
    fallback:
      goto: a
      again: true
)yaml");
    const auto owned = engine_over(dir);
    Engine& engine = *owned;
    REQUIRE(engine.respond("u", "go"));
    auto apple = engine.respond("u", "an apple please");
    REQUIRE(apple);
    CHECK(apple->messages == std::vector<std::string>{"a heard apple"});  // a's rule, not a's prompt
    CHECK(apple->state == "main.a");
    REQUIRE(engine.respond("u", "go"));
    auto other = engine.respond("u", "something else");
    REQUIRE(other);
    CHECK(other->messages == std::vector<std::string>{"prompt of a"});  // a has no rule for it: entered
    REQUIRE(engine.respond("u", "go"));
    auto loop = engine.respond("u", "loop");  // a state that hands itself the message is cut off
    REQUIRE(loop);
    CHECK(loop->state == "main.b");

    SECTION("again without goto or end is a diagnostic") {
        dir.write("main.yaml",
                  "flow: main\nstart: a\nstates:\n  a:\n    say: hi\n    on:\n      - pattern: x\n"
                  "        return: true\n        again: true\n");
        const auto broken = load_flow_dir(dir.path());
        REQUIRE_FALSE(broken);
        CHECK(broken.error().front().code == "RF0110");
    }
}
