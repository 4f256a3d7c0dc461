#pragma once
// Private: reads `resources:`, the helplines and emergency numbers of a deployment, one
// mapping of texts per locale. Every locale must give the same keys as the default one, so
// that `{resources.key}` reads the same in every locale.

#include "yaml_fields.hpp"

namespace reframe::loader_detail {

void parse_resources(const Field& field, FileContext& ctx);

}  // namespace reframe::loader_detail
