#pragma once
/// The keys the flow loader accepts, mapping kind by mapping kind.
///
/// Every YAML mapping the loader reads with a fixed set of keys is one kind ("state",
/// "rule", "intent", …). Tools that describe the flow format — the editor JSON Schema in
/// dialogues/schema/, the lint — read the keys from here, so they cannot drift from what
/// the loader really accepts. The loader itself checks every mapping against these lists.

#include <string>
#include <string_view>
#include <vector>

namespace reframe {

/// One kind of mapping and the keys allowed in it, in the order the docs list them.
struct MappingKeys {
    std::string kind;  ///< "document", "state", "rule", "fallback", "interrupt", "intent", …
    std::string what;  ///< where it is written, in words: "a state (under `states:`)"
    std::vector<std::string> keys;
};

/// Every kind of mapping the loader reads with fixed keys. Mappings of names (`states:`,
/// `intents:`, `vars:`, `locales:`) take any valid name and are not listed.
const std::vector<MappingKeys>& loader_mappings();

/// The keys of one kind; empty for an unknown kind.
const std::vector<std::string>& loader_keys(std::string_view kind);

}  // namespace reframe
