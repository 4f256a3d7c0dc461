#pragma once
// Private: reads one YAML document of a flow folder: dispatches its top-level keys to the
// flow, intent and interrupt readers and reads `settings:`.

#include <yaml-cpp/yaml.h>

#include "load_context.hpp"

namespace reframe::loader_detail {

/// Reads every part of `document` into the state's FlowSet.
void parse_document(const YAML::Node& document, FileContext& ctx);

}  // namespace reframe::loader_detail
