#pragma once
// Private: reads the folder-wide parts of a document — `intents:` and `interrupts:`.

#include "yaml_fields.hpp"

namespace reframe::loader_detail {

/// `intents: {name: {description, tags, scope, patterns, unless}, …}`
void parse_intents(const Field& field, FileContext& ctx);

/// `interrupts: [{id, priority, safety, …rule keys}, …]`
void parse_interrupts(const Field& field, FileContext& ctx);

}  // namespace reframe::loader_detail
