// The bundled dialogues: a crisis or an urgent medical symptom is answered with help from
// every state of every flow, never with a reframe.
#include <catch2/catch.hpp>

#include "bundled.hpp"
#include "reframe/engine.hpp"
#include "reframe/loader.hpp"

using namespace reframe;
using reframe::testing::bundled;

namespace {

Reply reply_in_state(const Flow& flow, const State& state, const std::string& text) {
    auto store = open_session_store(StoreOptions{":memory:"});
    REQUIRE(store);
    REQUIRE((*store)->update("p", [&](SessionState& s, bool) {
        s.at = Frame{flow.id, state.id};
        s.seed = 7;
    }));
    Engine engine(bundled(), std::move(*store));
    auto reply = engine.respond("p", text);
    REQUIRE(reply);
    return *reply;
}

}  // namespace

TEST_CASE("safety pre-empts every state of every bundled flow", "[safety][dialogues]") {
    const struct {
        const char* text;
        const char* safety;
    } cases[] = {
        {"honestly everyone would be better off if i wasnt here", "crisis"},
        {"i'm useless and i want to end it all tonight", "crisis"},
        {"crushing pain in my chest going down my left arm", "medical_urgent"},
    };
    std::size_t states = 0;
    for (const auto& flow : bundled()->flows) {
        for (const auto& state : flow.states) {
            ++states;
            for (const auto& c : cases) {
                INFO(flow.id << "." << state.id << " <- " << c.text);
                const auto reply = reply_in_state(flow, state, c.text);
                CHECK(reply.safety == c.safety);
                CHECK(reply.state.rfind("safety.", 0) == 0);
                CHECK_FALSE(reply.messages.empty());
            }
        }
    }
    CHECK(states >= 10);
}

TEST_CASE("crisis and medical answers differ and carry resources", "[safety][dialogues]") {
    const Flow* reframe_flow = bundled()->find_flow(bundled()->entry_flow);
    REQUIRE(reframe_flow != nullptr);
    const State* start = reframe_flow->find_state(reframe_flow->start);
    REQUIRE(start != nullptr);
    const auto crisis = reply_in_state(*reframe_flow, *start, "i want to kill myself");
    const auto medical = reply_in_state(*reframe_flow, *start, "i think i'm having a stroke, my face is drooping");
    std::string crisis_text, medical_text;
    for (const auto& m : crisis.messages) crisis_text += m;
    for (const auto& m : medical.messages) medical_text += m;
    CHECK(crisis.safety == "crisis");
    CHECK(medical.safety == "medical_urgent");
    CHECK(crisis.state != medical.state);
    CHECK(crisis_text.find("emergency") != std::string::npos);
    CHECK(medical_text.find("emergency") != std::string::npos);
    CHECK(crisis_text != medical_text);
}

TEST_CASE("crisis and red flags spread over several sentences are still caught", "[safety][dialogues]") {
    const struct {
        const char* text;
        bool crisis;
        bool medical;
    } cases[] = {
        {"been putting a few pills aside every week. for when it gets too much", true, false},
        {"my kids would honestly be better off. without me in their lives", true, false},
        {"i wrote my will. and a letter for each of the kids", true, false},
        {"i'm no use to anyone, i should just go", true, false},
        {"i cut again last night. and i'm going to keep doing it", true, false},
        {"i'm sorry, i can't do this anymore, i love you all", true, false},
        {"sudden headache. the worst i've ever had", false, true},
        {"pain in my chest, going into my jaw, sweating buckets", false, true},
        // Hard negatives: hyperbole, other people, ordinary plans spread over sentences.
        {"i'm dead on my feet. honestly", false, false},
        {"this traffic is killing me, i'll be late", false, false},
        {"i'm done. with this weather, with the rain", false, false},
        {"i'm saving my painkillers. for a bad day", false, false},
        {"sorry i can't do this anymore, love you all, off to bed", false, false},
        {"my chest is tight from this cold. my arm aches from the flu jab", false, false},
    };
    auto store = open_session_store(StoreOptions{":memory:"});
    REQUIRE(store);
    Engine engine(bundled(), std::move(*store));
    for (const auto& c : cases) {
        INFO(c.text);
        const Classification result = engine.classify(c.text);
        CHECK(result.crisis == c.crisis);
        CHECK(result.medical_urgent == c.medical);
    }
}

TEST_CASE("a long session of the bundled dialogues never repeats the previous reply", "[dialogues]") {
    auto store = open_session_store(StoreOptions{":memory:"});
    REQUIRE(store);
    EngineOptions options;
    options.rate_per_minute = 0;
    Engine engine(bundled(), std::move(*store), options);
    const std::vector<std::string> messages = {
        "no transcript, thanks",
        "i'm so useless, i couldn't even finish the dishes",
        "i'd tell them they did their best",
        "it helps a bit",
        "i'm so useless, i couldn't even finish the dishes",
        "i don't know",
        "not really",
        "i should be over this by now",
        "i should be over this by now",
        "i should be over this by now",
        "everyone else copes with a full time job and i can't even manage mornings",
        "they're doing what they can",
        "yes",
        "yes",
        "my migraine is bad today",
        "my migraine is bad today",
        "daily check in",
        "6",
        "3",
        "4",
        "7",
        "i made a cup of tea",
        "how have i been doing",
        "what can we do",
        "1",
        "stop",
        "hello",
        "hello",
        "i always ruin everything",
        "i always ruin everything",
    };
    std::vector<std::string> previous;
    for (const auto& text : messages) {
        INFO(text);
        auto reply = engine.respond("long", text);
        REQUIRE(reply);
        CHECK_FALSE(reply->messages.empty());
        CHECK(reply->messages != previous);
        previous = reply->messages;
    }
}
