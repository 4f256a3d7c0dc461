// The engine's log never holds what a person wrote: not the message, not what the flows
// captured from it, not the replies built from it — with every level on.
#include <catch2/catch.hpp>

#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include "bundled.hpp"
#include "log_leaks.hpp"
#include "pseudonym.hpp"
#include "reframe/engine.hpp"
#include "reframe/loader.hpp"

using namespace reframe;
using namespace reframe::testing;

namespace {}  // namespace

TEST_CASE("the engine's log at trace level holds no word a person wrote", "[privacy][log]") {
    std::ostringstream out;
    auto logger = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
    logger->set_pattern("%l %v");
    logger->set_level(spdlog::level::trace);
    EngineOptions options;
    options.logger = logger;
    options.rate_burst = 4;  // the 5th message of one user in a row is refused
    auto store = open_session_store(StoreOptions{":memory:"});
    REQUIRE(store);
    Engine engine(bundled(), std::move(*store), options);

    auto messages = conversation();
    messages.push_back({ben, "Bartholomew says my sister Rosalind was right about me"});
    messages.push_back({ben, "and Bartholomew thinks I am hopeless at everything"});
    REQUIRE(engine.greet("eve"));
    std::vector<std::string> replies;
    for (const auto& m : messages) {
        auto reply = engine.respond(m.user, m.text);
        REQUIRE(reply);
        for (const auto& text : reply->messages) replies.push_back(text);
    }
    CHECK_FALSE(engine.respond("", "my sister Rosalind"));
    std::vector<std::string> variables;
    for (const auto& user : {ana, ben, std::string{"cat"}, std::string{"dee"}}) {
        auto saved = engine.store().load(user);
        REQUIRE(saved);
        REQUIRE(saved->has_value());
        for (const auto& [name, value] : (*saved)->vars) variables.push_back(value);
    }
    const std::string log = out.str();
    INFO(log);

    // The bot did echo what was written, so a leak had something to leak.
    CHECK(std::any_of(replies.begin(), replies.end(),
                      [](const auto& r) { return r.find("finish the dishes") != std::string::npos; }));
    CHECK(leaks(log, messages).empty());
    CHECK(reply_leaks(log, replies, 2).empty());
    CHECK(reply_leaks(log, variables, 1).empty());
    for (const auto& id : {ana, ben, std::string{"lindqvist"}, std::string{"0791234567"}}) {
        CHECK(log.find(id) == std::string::npos);
    }

    // ...and the log does say what an operator needs.
    CHECK(occurrences(log, " turn user=") == messages.size() + 1);
    CHECK(occurrences(log, "info greet user=") == 1);
    CHECK(occurrences(log, "info turn user=" + Pseudonymizer("")(ana)) == 4);
    CHECK(occurrences(log, "state=(new)->reframe.opening intents=- traps=-") == 4);
    CHECK(log.find("state=reframe.opening->reframe.opening intents=greeting") != std::string::npos);
    CHECK(log.find("state=reframe.opening->reframe.kindness intents=self_label traps=labeling safety=- error=-") !=
          std::string::npos);
    CHECK(log.find("intents=should_statement traps=should_statements") != std::string::npos);
    CHECK(occurrences(log, "safety=crisis") == 1);
    CHECK(occurrences(log, "safety=medical_urgent") == 1);
    CHECK(occurrences(log, "warning turn user=" + Pseudonymizer("")("dee")) == 1);
    CHECK(log.find("error=message_too_long") != std::string::npos);
    CHECK(occurrences(log, "warning turn user=" + Pseudonymizer("")(ben)) == 1);
    CHECK(log.find("error=rate_limited") != std::string::npos);
    CHECK(log.find("error turn user=- error=failed reason=\"user id must not be empty\"") != std::string::npos);
    CHECK(log.find(" us=") != std::string::npos);
}
