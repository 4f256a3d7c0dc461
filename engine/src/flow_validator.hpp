#pragma once
// Private: the checks that need the whole folder — intents, tags and variables used,
// the entry flow, safety (nothing may shadow a safety interrupt) and interrupt order.

#include "load_context.hpp"

namespace reframe::loader_detail {

/// Reports every reference to an unknown intent, tag or variable, a missing or unknown
/// entry flow, and any rule that tries to answer crisis outside a safety interrupt.
void check_references(LoadState& state);

/// Sorts the interrupts (safety first, then by priority, highest first) and reports a
/// non-safety interrupt that would outrank a safety one.
void order_interrupts(LoadState& state);

}  // namespace reframe::loader_detail
