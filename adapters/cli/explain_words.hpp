#pragma once
// How `reframe explain` puts an Explanation into words and into JSON.

#include <ostream>
#include <string>

#include "reframe/explain.hpp"

namespace reframe::cli {

/// "part 2", or "the whole message".
std::string part_name(const Explanation& e, std::size_t piece);

/// A rule by place: "reframe.opening rule 3 (flows/reframe.yaml:40)", "interrupt crisis".
std::string rule_name(const RuleCheck& check);

/// Why a rule did not fit, in words ("no intent tagged crisis was found").
std::string miss_words(const Miss& miss);

void write_explanation_words(const Explanation& e, std::ostream& out);
void write_explanation_json(const Explanation& e, std::ostream& out);

}  // namespace reframe::cli
