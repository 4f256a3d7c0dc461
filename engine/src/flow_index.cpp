// Lookup tables derived from a loaded FlowSet, so that a turn does only the work the
// message and the flows call for.
#include <algorithm>
#include <optional>
#include <string_view>
#include <unordered_set>

#include "reframe/flow.hpp"

namespace reframe {
namespace {

void add_template_vars(const Template& t, std::unordered_set<std::string>& used) {
    for (auto& name : t.variables()) used.insert(std::move(name));
}

void add_say_vars(const std::vector<std::vector<Template>>& variants, std::unordered_set<std::string>& used) {
    for (const auto& variant : variants) {
        for (const auto& message : variant) add_template_vars(message, used);
    }
}

void add_rule_vars(const Transition& rule, std::unordered_set<std::string>& used) {
    add_say_vars(rule.say, used);
    for (const auto& a : rule.set) add_template_vars(a.value, used);
    for (const auto& a : rule.record) add_template_vars(a.value, used);
    for (const auto& c : rule.conditions) used.insert(c.var);
}

void add_state_vars(const State& state, std::unordered_set<std::string>& used) {
    add_say_vars(state.say, used);
    for (const auto& option : state.options) add_template_vars(option, used);
    for (const auto& a : state.set) add_template_vars(a.value, used);
    for (const auto& rule : state.on) add_rule_vars(rule, used);
    if (state.fallback) add_rule_vars(*state.fallback, used);
}

/// Whether `rule` names `intent` or one of its tags (what match_intents() looks for).
bool calls_for(const Transition& rule, const Intent& intent) {
    if (std::find(rule.intents.begin(), rule.intents.end(), intent.id) != rule.intents.end()) return true;
    return std::any_of(rule.tags.begin(), rule.tags.end(), [&](const std::string& tag) {
        return std::find(intent.tags.begin(), intent.tags.end(), tag) != intent.tags.end();
    });
}

void index_interrupts(FlowSet& flows) {
    flows.interrupts_by_intent.assign(flows.intents.size(), {});
    flows.interrupts_without_intent.clear();
    for (std::size_t r = 0; r < flows.interrupts.size(); ++r) {
        const Transition& rule = flows.interrupts[r].rule;
        if (rule.intents.empty() && rule.tags.empty()) {
            flows.interrupts_without_intent.push_back(r);
            continue;
        }
        for (std::size_t i = 0; i < flows.intents.size(); ++i) {
            if (calls_for(rule, flows.intents[i])) flows.interrupts_by_intent[i].push_back(r);
        }
    }
    flows.interrupts_indexed = true;
}

/// Options without variables are normalised once here instead of on every turn.
void index_options(State& state) {
    const auto nothing = [](std::string_view) { return std::optional<std::string_view>{}; };
    state.option_keys.clear();
    for (const auto& option : state.options) {
        const bool fixed = option.variables().empty();
        state.option_keys.push_back(fixed ? normalize(option.render(nothing)).joined() : std::string{});
    }
}

}  // namespace

void index_intents(FlowSet& flows) {
    for (auto& flow : flows.flows) {
        for (auto& state : flow.states) index_options(state);
    }
    flows.intents_by_pattern.assign(flows.patterns.size(), {});
    for (std::size_t i = 0; i < flows.intents.size(); ++i) {
        for (PatternId id : flows.intents[i].patterns) flows.intents_by_pattern.at(id).push_back(i);
    }
    index_interrupts(flows);
    std::unordered_set<std::string> used;
    for (const auto& flow : flows.flows) {
        for (const auto& state : flow.states) add_state_vars(state, used);
        if (flow.fallback) add_rule_vars(*flow.fallback, used);
    }
    for (const auto& interrupt : flows.interrupts) add_rule_vars(interrupt.rule, used);
    for (const auto& message : flows.global_fallback) add_template_vars(message, used);
    flows.used_variables.assign(used.begin(), used.end());
}

bool FlowSet::uses_variable(const std::string& name) const {
    for (const auto& used : used_variables) {
        if (used == name) return true;
    }
    return false;
}

}  // namespace reframe
