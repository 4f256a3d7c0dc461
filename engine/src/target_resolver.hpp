#pragma once
// Private: resolves every `goto`, `call` and `next` of a folder once all flows are known —
// a bare name is a state of the same flow or else a flow (its start); `flow.state` is
// exact — and writes each rule's human label for `explain`.

#include "load_context.hpp"

namespace reframe::loader_detail {

/// Fills Target::flow (and Target::state for a bare flow name) everywhere; reports
/// undefined states and flows.
void resolve_targets(LoadState& state);

/// "intent self_label -> reframe.reflect": what a rule waits for and where it leads.
std::string describe_rule(const Transition& rule, const PatternSet& patterns);

}  // namespace reframe::loader_detail
