#pragma once
// Shared helpers for tests that drive the engine over tests/fixtures/engine.

#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "reframe/engine.hpp"
#include "reframe/loader.hpp"

namespace reframe::testing {

inline std::shared_ptr<const FlowSet> load_fixture(const std::string& name) {
    auto loaded = load_flow_dir(std::string{REFRAME_TEST_DATA} + "/fixtures/" + name);
    if (!loaded) {
        for (const auto& d : loaded.error()) UNSCOPED_INFO(d.to_string());
    }
    REQUIRE(loaded);
    return loaded->flows;
}

/// Engine options for tests of what a turn does: no rate limit, since a test sends
/// messages faster than any person types (the limit has its own tests).
inline EngineOptions unlimited() {
    EngineOptions options;
    options.rate_per_minute = 0;
    return options;
}

inline std::unique_ptr<Engine> memory_engine(const std::string& fixture = "engine",
                                             EngineOptions options = unlimited()) {
    auto store = open_session_store(StoreOptions{":memory:"});
    REQUIRE(store);
    return std::make_unique<Engine>(load_fixture(fixture), std::move(*store), std::move(options));
}

inline Reply say(Engine& engine, const std::string& user, const std::string& text) {
    auto reply = engine.respond(user, text);
    if (!reply) FAIL(reply.error().message);
    return *reply;
}

inline std::string joined(const Reply& reply) {
    std::string out;
    for (const auto& m : reply.messages) out += m + "|";
    return out;
}

}  // namespace reframe::testing
