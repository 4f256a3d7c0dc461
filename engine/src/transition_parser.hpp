#pragma once
// Private: reads one rule (transition) — its conditions ("when") and its effects
// ("then") — and the target forms shared by `goto`, `call` and a state's `next`.

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "reframe/flow.hpp"
#include "yaml_fields.hpp"

namespace reframe::loader_detail {

/// What a rule may refer to where it is written.
struct RuleScope {
    std::string what;                               // "rule 2 of state 'ask'", for messages
    std::string flow;                               // "" inside an interrupt
    const std::set<std::string>* states = nullptr;  // the flow's state names (flows only)
    std::size_t option_count = 0;                   // options of the state the rule is in
    bool fallback = false;                          // a fallback: effects only
    bool safety = false;                            // a safety interrupt may answer crisis
};

/// The key rules of a rule in this scope (a fallback allows only "then" keys).
KeyRules rule_key_rules(const RuleScope& scope);

/// Reads a rule written as a mapping.
std::optional<Transition> parse_rule(const YAML::Node& node, const SourceLocation& where, FileContext& ctx,
                                     const RuleScope& scope);

/// Reads a rule from already-checked fields (an interrupt adds `id`, `priority`, `safety`).
std::optional<Transition> parse_rule_fields(const Fields& fields, const SourceLocation& where, FileContext& ctx,
                                            const RuleScope& scope);

/// Reads "state", "flow.state" or "flow" into an unresolved Target: `flow` stays empty
/// for a bare name until the validator knows every flow.
std::optional<Target> parse_target(const Field& field, Target::Kind kind, FileContext& ctx);

}  // namespace reframe::loader_detail
