#pragma once
// Private: the lint passes that look at a whole, resolved flow set — where a person can
// get to, what a variable holds on the way, which rules can never fire, which patterns
// can never match, and which parts of self-compassion each path offers. Each reports
// warnings only: the folder still loads. They run after warn_dead_ends(), on a folder
// without errors.

#include "load_context.hpp"

namespace reframe::loader_detail {

/// RF0906: a state from which no `end` (and no return to the resting state) can be
/// reached through the flows' own rules, `next`, `call` and `return`.
void warn_no_end(LoadState& state);

/// RF0907: a template reads a variable that is set or captured on some paths into the
/// place but not on all of them, and has no default.
void warn_maybe_unset(LoadState& state);

/// RF0908: a rule that can never fire because an earlier rule of the same state always
/// fires when it would.
void warn_shadowed_rules(LoadState& state);

/// RF0909: a pattern word normalisation always rewrites, so it never matches; RF0910: a
/// pattern names a lexicon with no entries.
void warn_unmatchable_patterns(LoadState& state);

/// RF0912: a path through a flow with `serves:` that never offers one of its components.
void warn_component_coverage(LoadState& state);

}  // namespace reframe::loader_detail
