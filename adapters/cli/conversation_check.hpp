#pragma once
/// Compares one turn of a conversation test with what was expected, field by field.

#include <string>
#include <vector>

#include "conversation_spec.hpp"
#include "reframe/engine.hpp"

namespace reframe::cli {

/// One expectation that did not hold: which field, and both sides in words.
struct Mismatch {
    std::string field;     ///< "state", "says", "traps", …
    std::string expected;  ///< "reframe.reflect_labeling", "contains \"dishes\""
    std::string got;       ///< what the turn gave
};

/// Every expectation of `expect` that `reply` does not meet, in the order of the step's keys.
std::vector<Mismatch> check_step(const StepExpect& expect, const Reply& reply);

/// ["a", "b"] as `[a, b]`, for diffs.
std::string list_text(const std::vector<std::string>& items);

}  // namespace reframe::cli
