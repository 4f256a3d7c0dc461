#pragma once
// The bundled dialogues/ folder, loaded once per test run and shared (a FlowSet is immutable).

#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "reframe/loader.hpp"

namespace reframe::testing {

inline std::shared_ptr<const FlowSet> bundled() {
    static const auto flows = [] {
        auto loaded = load_flow_dir(std::string{REFRAME_SOURCE_DIR} + "/dialogues");
        if (!loaded) {
            for (const auto& d : loaded.error()) UNSCOPED_INFO(d.to_string());
        }
        REQUIRE(loaded);
        return loaded->flows;
    }();
    return flows;
}

}  // namespace reframe::testing
