// TurnRunner: deciding whether a rule fits the message (the "when" half of a rule).
#include <algorithm>

#include "conditions.hpp"
#include "turn_runner.hpp"

namespace reframe {

std::optional<RuleMatch> TurnRunner::match_intents(const Transition& rule) const {
    // `unless` guards the clause the intent matched in, unless the rule has patterns of its
    // own: then it guards theirs (see match_rule).
    static const std::vector<PatternId> no_guards;
    const auto& unless = rule.patterns.empty() ? rule.unless : no_guards;
    std::optional<RuleMatch> by_intent;
    for (const auto& id : rule.intents) {
        const IntentMatch* m = analysis_.find(id);
        if (m != nullptr && !guarded(analysis_, unless, m->clause)) {
            by_intent = RuleMatch{m->clause, m->pattern};
            break;
        }
    }
    if (!rule.intents.empty() && !by_intent) return std::nullopt;
    if (rule.tags.empty()) return by_intent;
    for (const auto& m : analysis_.intents) {
        const auto& tags = m.intent->tags;
        const bool tagged = std::any_of(rule.tags.begin(), rule.tags.end(), [&](const std::string& tag) {
            return std::find(tags.begin(), tags.end(), tag) != tags.end();
        });
        if (tagged && !guarded(analysis_, unless, m.clause))
            return by_intent ? by_intent : RuleMatch{m.clause, m.pattern};
    }
    return std::nullopt;
}

bool TurnRunner::option_chosen(std::size_t index, const State& state) const {
    if (index >= state.options.size()) return false;
    const std::string& said = text_;
    if (said == std::to_string(index + 1)) return true;
    if (said.empty()) return false;
    if (index < state.option_keys.size() && !state.option_keys[index].empty()) return said == state.option_keys[index];
    return said == normalize(render(state.options[index])).joined();
}

std::optional<RuleMatch> TurnRunner::match_rule(const Transition& rule, const State* state) const {
    RuleMatch match;
    if (!rule.intents.empty() || !rule.tags.empty()) {
        auto m = match_intents(rule);
        if (!m) return std::nullopt;
        match = *m;
    }
    if (!rule.patterns.empty()) {
        auto m = match_patterns(analysis_, rule.patterns, rule.unless);
        if (!m) return std::nullopt;
        match = *m;  // an inline pattern's captures are the more specific ones
    } else if (rule.intents.empty() && rule.tags.empty() && !rule.unless.empty()) {
        for (std::size_t c = 0; c < analysis_.text.clauses.size(); ++c) {
            if (guarded(analysis_, rule.unless, c)) return std::nullopt;
        }
    }
    if (rule.option) {
        if (state == nullptr || !option_chosen(*rule.option, *state)) return std::nullopt;
    }
    const auto get = [this](std::string_view name) { return lookup(name); };
    for (const auto& condition : rule.conditions) {
        if (!holds(condition, get)) return std::nullopt;
    }
    return match;
}

}  // namespace reframe
