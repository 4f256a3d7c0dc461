#pragma once
/// Evaluates the `if:` conditions of a rule against the conversation's variables.

#include <functional>
#include <optional>
#include <string_view>

#include "reframe/flow.hpp"

namespace reframe {

using VariableLookup = std::function<std::optional<std::string_view>(std::string_view)>;

/// `eq`/`ne` compare as numbers when both sides are numbers, else as text; the ordering
/// operators compare as numbers and are false when either side is not a number.
bool holds(const Condition& condition, const VariableLookup& lookup);

}  // namespace reframe
