#pragma once
// Private: adds the patterns a flow file writes (`pattern`, `unless`, intent `patterns`)
// to the FlowSet's PatternSet and reports a PatternError at its column.

#include <optional>
#include <vector>

#include "reframe/pattern_set.hpp"
#include "yaml_fields.hpp"

namespace reframe::loader_detail {

/// Adds each pattern of a text-or-list field; nullopt when any of them is wrong.
std::optional<std::vector<PatternId>> read_patterns(const Field& field, FileContext& ctx);

/// Compiles the whole PatternSet once every pattern is added; reports a failure.
void compile_patterns(LoadState& state);

}  // namespace reframe::loader_detail
