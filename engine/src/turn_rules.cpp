// TurnRunner: deciding whether a rule fits the message (the "when" half of a rule).
// With a `why`, a rule that does not fit says which of its conditions failed (explain).
#include <algorithm>

#include "conditions.hpp"
#include "turn_runner.hpp"

namespace reframe {
namespace {

/// Records why a rule did not fit when asked; `detail` is only computed then, so the
/// normal turn pays nothing for explain.
template <typename Detail>
std::optional<RuleMatch> miss(Miss* why, MissReason reason, Detail detail) {
    if (why != nullptr) *why = Miss{reason, detail()};
    return std::nullopt;
}

std::string joined(const std::vector<std::string>& names) {
    std::string text;
    for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
    return text;
}

/// The first guard of `unless` that matched `piece`, as written.
std::string first_guard(const FlowSet& flows, const Analysis& analysis, const std::vector<PatternId>& unless,
                        std::size_t piece) {
    for (PatternId id : unless) {
        if (analysis.matched(id, piece)) return flows.patterns.source(id);
    }
    return {};
}

}  // namespace

std::optional<RuleMatch> TurnRunner::match_intents(const Transition& rule, Miss* why) const {
    // `unless` guards the clause the intent matched in, unless the rule has patterns of its
    // own: then it guards theirs (see match_rule).
    static const std::vector<PatternId> no_guards;
    const auto& unless = rule.patterns.empty() ? rule.unless : no_guards;
    std::optional<RuleMatch> by_intent;
    std::optional<std::size_t> guarded_at;
    for (const auto& id : rule.intents) {
        const IntentMatch* m = analysis_.find(id);
        if (m != nullptr && !guarded(analysis_, unless, m->clause)) {
            by_intent = RuleMatch{m->clause, m->pattern};
            break;
        }
        if (m != nullptr && why != nullptr && !guarded_at) guarded_at = m->clause;
    }
    if (!rule.intents.empty() && !by_intent) {
        if (guarded_at)
            return miss(why, MissReason::guarded,
                        [&] { return std::string{first_guard(flows_, analysis_, unless, *guarded_at)}; });
        return miss(why, MissReason::intent_absent, [&] { return std::string{joined(rule.intents)}; });
    }
    if (rule.tags.empty()) return by_intent;
    for (const auto& m : analysis_.intents) {
        const auto& tags = m.intent->tags;
        const bool tagged = std::any_of(rule.tags.begin(), rule.tags.end(), [&](const std::string& tag) {
            return std::find(tags.begin(), tags.end(), tag) != tags.end();
        });
        if (!tagged) continue;
        if (!guarded(analysis_, unless, m.clause)) return by_intent ? by_intent : RuleMatch{m.clause, m.pattern};
        if (why != nullptr && !guarded_at) guarded_at = m.clause;
    }
    if (guarded_at)
        return miss(why, MissReason::guarded,
                    [&] { return std::string{first_guard(flows_, analysis_, unless, *guarded_at)}; });
    return miss(why, MissReason::tag_absent, [&] { return std::string{joined(rule.tags)}; });
}

bool TurnRunner::option_chosen(std::size_t index, const State& state) const {
    if (index >= state.options.size()) return false;
    const std::string& said = text_;
    if (said == std::to_string(index + 1)) return true;
    if (said.empty()) return false;
    if (index < state.option_keys.size() && !state.option_keys[index].empty()) return said == state.option_keys[index];
    return said == normalize(render(state.options[index])).joined();
}

std::optional<RuleMatch> TurnRunner::match_rule(const Transition& rule, const State* state, Miss* why) const {
    RuleMatch match;
    if (!rule.intents.empty() || !rule.tags.empty()) {
        auto m = match_intents(rule, why);
        if (!m) return std::nullopt;
        match = *m;
    }
    if (!rule.patterns.empty()) {
        auto m = match_patterns(analysis_, rule.patterns, rule.unless);
        if (!m) {
            if (why == nullptr) return std::nullopt;
            // Would a pattern have matched, but for a guard?
            for (std::size_t c = 0; c < analysis_.text.clauses.size(); ++c) {
                const bool hit = std::any_of(rule.patterns.begin(), rule.patterns.end(),
                                             [&](PatternId id) { return analysis_.matches.matched(id, c); });
                if (hit)
                    return miss(why, MissReason::guarded,
                                [&] { return std::string{first_guard(flows_, analysis_, rule.unless, c)}; });
            }
            return miss(why, MissReason::pattern_absent,
                        [&] { return std::string{flows_.patterns.source(rule.patterns.front())}; });
        }
        match = *m;  // an inline pattern's captures are the more specific ones
    } else if (rule.intents.empty() && rule.tags.empty() && !rule.unless.empty()) {
        for (std::size_t c = 0; c < analysis_.text.clauses.size(); ++c) {
            if (guarded(analysis_, rule.unless, c)) {
                return miss(why, MissReason::guarded,
                            [&] { return std::string{first_guard(flows_, analysis_, rule.unless, c)}; });
            }
        }
    }
    if (rule.option) {
        if (state == nullptr || !option_chosen(*rule.option, *state)) {
            return miss(why, MissReason::option_not_chosen,
                        [&] { return std::string{std::to_string(*rule.option + 1)}; });
        }
    }
    const auto get = [this](std::string_view name) { return lookup(name); };
    for (const auto& condition : rule.conditions) {
        if (!holds(condition, get))
            return miss(why, MissReason::condition_false, [&] { return std::string{condition.source}; });
    }
    return match;
}

}  // namespace reframe
