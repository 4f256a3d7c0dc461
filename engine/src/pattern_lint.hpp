#pragma once
// Private: warnings about a pattern that compiled but can never match — a word that the
// normaliser always rewrites (an upper-case letter or an apostrophe in a `re:` regex, a
// word that normalisation splits in two) and a lexicon with no entries.

#include <yaml-cpp/yaml.h>

#include "load_context.hpp"

namespace reframe::loader_detail {

/// Reports RF0909 and RF0910 for one pattern that was added to the set.
void lint_pattern(const YAML::Node& scalar, FileContext& ctx);

}  // namespace reframe::loader_detail
