#pragma once
// Private: reads the flow of one YAML document — `flow`, `description`, `start`, `vars`,
// `tags`, `states`, `fallback` — with every state and rule, into the FlowSet.

#include <string>
#include <vector>

#include "yaml_fields.hpp"

namespace reframe::loader_detail {

/// Reads the flow keys of `document` (if any) and adds the flow to the set.
void parse_flow(const Fields& document, FileContext& ctx);

/// Adds a flow to the set, or reports that its name is taken.
void add_flow(Flow flow, FileContext& ctx);

}  // namespace reframe::loader_detail
