#pragma once
// Private: warnings that do not stop a folder from loading — flows and states nothing
// leads to, and states a person cannot leave.

#include "load_context.hpp"

namespace reframe::loader_detail {

/// Reports unreachable flows (RF0903) and states (RF0901) and stuck states (RF0902).
/// Runs after resolve_targets().
void warn_dead_ends(LoadState& state);

}  // namespace reframe::loader_detail
