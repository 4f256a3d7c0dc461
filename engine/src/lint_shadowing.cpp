// RF0908: rules that can never fire because an earlier rule of the same state always
// fires first.
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "flow_lint.hpp"
#include "loader_codes.hpp"

namespace reframe::loader_detail {
namespace {

template <typename T>
bool subset(const std::vector<T>& inner, const std::vector<T>& outer) {
    return !inner.empty() && std::all_of(inner.begin(), inner.end(), [&](const T& x) {
        return std::find(outer.begin(), outer.end(), x) != outer.end();
    });
}

std::vector<std::string> pattern_sources(const FlowSet& set, const std::vector<PatternId>& ids) {
    std::vector<std::string> sources;
    for (const PatternId id : ids) sources.push_back(set.patterns.source(id));
    return sources;
}

std::vector<std::string> condition_sources(const Transition& rule) {
    std::vector<std::string> sources;
    for (const auto& c : rule.conditions) sources.push_back(c.source);
    return sources;
}

/// True when every intent of `rule` carries one of `tags`: the rule then implies a tag
/// rule with those tags.
bool intents_tagged(const FlowSet& set, const Transition& rule, const std::vector<std::string>& tags) {
    return !rule.intents.empty() && std::all_of(rule.intents.begin(), rule.intents.end(), [&](const std::string& id) {
        const Intent* intent = set.find_intent(id);
        return intent != nullptr && std::any_of(intent->tags.begin(), intent->tags.end(), [&](const std::string& t) {
                   return std::find(tags.begin(), tags.end(), t) != tags.end();
               });
    });
}

/// Whether `first` fires whenever `later` would: each condition of `first` is implied by
/// one of `later`'s (`later` may have more; that only narrows it).
bool always_before(const FlowSet& set, const Transition& first, const Transition& later) {
    if (!first.unless.empty()) return false;
    if (first.always) return true;
    if (later.always) return false;
    if (!first.intents.empty() && !subset(later.intents, first.intents)) return false;
    if (!first.tags.empty() && !subset(later.tags, first.tags) && !intents_tagged(set, later, first.tags)) {
        return false;
    }
    if (!first.patterns.empty() &&
        !subset(pattern_sources(set, later.patterns), pattern_sources(set, first.patterns))) {
        return false;
    }
    if (first.option && first.option != later.option) return false;
    const auto first_conditions = condition_sources(first);
    return first_conditions.empty() || subset(first_conditions, condition_sources(later));
}

std::string why(const Transition& first) {
    if (first.always) return "it has no condition, so it always fires";
    return "it fires on everything this one fires on";
}

void check_state(const FlowSet& set, const Flow& flow, const State& state, LoadState& out) {
    std::vector<const Transition*> rules;
    for (const auto& rule : state.on) rules.push_back(&rule);
    if (state.fallback) rules.push_back(&*state.fallback);
    for (std::size_t j = 1; j < rules.size(); ++j) {
        for (std::size_t i = 0; i < j; ++i) {
            if (!always_before(set, *rules[i], *rules[j])) continue;
            const bool is_fallback = state.fallback && j + 1 == rules.size();
            const std::string what = is_fallback ? "the fallback" : "rule " + std::to_string(j + 1);
            out.warning(code::shadowed_rule, rules[j]->where,
                        what + " of state '" + state.id + "' in flow '" + flow.id + "' can never fire: rule " +
                            std::to_string(i + 1) + " (" + first_at(rules[i]->where, rules[j]->where) +
                            ") comes first and " + why(*rules[i]),
                        "move this rule above rule " + std::to_string(i + 1) + ", give rule " + std::to_string(i + 1) +
                            " a narrower condition, or remove one of them");
            break;
        }
    }
}

}  // namespace

void warn_shadowed_rules(LoadState& state) {
    for (const auto& flow : state.set.flows) {
        for (const auto& s : flow.states) check_state(state.set, flow, s, state);
    }
}

}  // namespace reframe::loader_detail
