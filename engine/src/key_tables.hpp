#pragma once
// Private: the one table of keys each kind of mapping accepts. Parsers name a kind
// (KeyRules{what, Mapping::state}); they never list keys of their own, so the public
// reframe/yaml_keys.hpp, the editor schema and the loader always agree.

#include <string>
#include <vector>

namespace reframe::loader_detail {

/// A kind of mapping with a fixed set of keys. A new kind needs a row in key_tables.cpp
/// and a definition of the same name in dialogues/schema/reframe.schema.json.
enum class Mapping {
    document,            // a file's top level: flow, questionnaire, intents, interrupts, …
    state,               // one state under `states:`
    rule,                // one rule under `on:`
    fallback,            // a state's or a flow's `fallback:` (effects only)
    interrupt,           // one item of `interrupts:`
    intent,              // one intent under `intents:`
    settings,            // `settings:`
    pacing,              // `settings.pacing:`
    resources,           // `resources:`
    questionnaire_item,  // one item of a questionnaire's `items:`
    tone_file,           // the top level of lint/tone.yaml
    tone,                // its `tone:`
    tone_phrase,         // one item of `tone:` → `phrases:`
};

/// The keys `kind` accepts.
const std::vector<std::string>& keys_of(Mapping kind);

/// The keys of a flow document, of a questionnaire document (subsets of `document`).
const std::vector<std::string>& flow_keys();
const std::vector<std::string>& questionnaire_keys();
/// The "when" keys of a rule (conditions), and its "then" keys (effects).
const std::vector<std::string>& when_keys();
const std::vector<std::string>& then_keys();

}  // namespace reframe::loader_detail
