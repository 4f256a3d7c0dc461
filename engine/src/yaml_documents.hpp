#pragma once
// Private: yaml-cpp's LoadAll in one pass that cannot hang. yaml-cpp 0.7's LoadAll loops
// forever, allocating a null document per turn, when a document cannot start at the next
// token (a stray `,` at the top level: jbeder/yaml-cpp issue #1040, fixed upstream after
// 0.8). Its NodeBuilder is not public, so this file builds the nodes itself from the
// parser's events, the way NodeBuilder does, and refuses a document that starts where the
// one before it started.

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace reframe::loader_detail {

/// Every document of `text`, as YAML::LoadAll would return them (same nodes, marks,
/// anchors and aliases). Throws YAML::ParserException where the YAML is broken, and also
/// where the parser stops making progress ("nothing here can start a document").
std::vector<YAML::Node> load_all_documents(const std::string& text);

}  // namespace reframe::loader_detail
