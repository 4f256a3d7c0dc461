#pragma once
// Private: reads a questionnaire (`questionnaire:` at the top of a document) and builds the
// flow that asks it: one state per item with the scale as options, a gentle re-ask for an
// answer off the scale, reverse scoring, each answer kept as a check-in measure, and the
// mean score kept over time. The flow returns to where it was called from.

#include <string>
#include <vector>

#include "yaml_fields.hpp"

namespace reframe::loader_detail {

/// Reads the questionnaire of `document`, if it has one, into a flow of the set.
void parse_questionnaire(const Fields& document, FileContext& ctx);

}  // namespace reframe::loader_detail
