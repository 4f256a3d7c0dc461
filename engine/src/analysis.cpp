#include "analysis.hpp"

#include <algorithm>
#include <stdexcept>

namespace reframe {

const IntentMatch* Analysis::find(const std::string& intent_id) const {
    for (const auto& m : intents) {
        if (m.intent->id == intent_id) return &m;
    }
    return nullptr;
}

const IntentMatch* Analysis::find_tag(const std::string& tag) const {
    for (const auto& m : intents) {
        const auto& tags = m.intent->tags;
        if (std::find(tags.begin(), tags.end(), tag) != tags.end()) return &m;
    }
    return nullptr;
}

std::vector<std::string> Analysis::intent_ids() const {
    std::vector<std::string> ids;
    ids.reserve(intents.size());
    for (const auto& m : intents) ids.push_back(m.intent->id);
    return ids;
}

std::vector<std::string> Analysis::traps() const {
    std::vector<std::string> traps;
    for (const auto& m : intents) {
        for (const auto& tag : m.intent->tags) {
            if (is_thinking_trap(tag) && std::find(traps.begin(), traps.end(), tag) == traps.end()) {
                traps.push_back(tag);
            }
        }
    }
    return traps;
}

bool guarded(const Analysis& analysis, const std::vector<PatternId>& unless, std::size_t clause) {
    return std::any_of(unless.begin(), unless.end(),
                       [&](PatternId id) { return analysis.matches.matched(id, clause); });
}

std::optional<RuleMatch> match_patterns(const Analysis& analysis, const std::vector<PatternId>& patterns,
                                        const std::vector<PatternId>& unless) {
    const auto clauses = analysis.matches.by_clause.size();
    for (std::size_t c = 0; c < clauses; ++c) {
        if (guarded(analysis, unless, c)) continue;
        for (PatternId id : patterns) {
            if (analysis.matches.matched(id, c)) return RuleMatch{c, id};
        }
    }
    return std::nullopt;
}

namespace {

/// Walks only the patterns that matched, clause by clause, to the intents that own them:
/// the same result as trying every intent, at the cost of what matched.
void find_intents(const FlowSet& flows, Analysis& analysis) {
    std::vector<bool> decided(flows.intents.size(), false);
    const auto& by_clause = analysis.matches.by_clause;
    for (std::size_t c = 0; c < by_clause.size(); ++c) {
        for (PatternId id : by_clause[c]) {
            for (std::size_t i : flows.intents_by_pattern[id]) {
                const Intent& intent = flows.intents[i];
                if (decided[i] || guarded(analysis, intent.unless, c)) continue;
                decided[i] = true;
                analysis.intents.push_back(IntentMatch{&intent, c, id});
            }
        }
    }
    std::sort(analysis.intents.begin(), analysis.intents.end(),
              [](const IntentMatch& a, const IntentMatch& b) { return a.intent < b.intent; });
}

}  // namespace

Analysis analyze(const FlowSet& flows, std::string_view raw) {
    Analysis analysis;
    analysis.text = normalize(raw);
    flows.patterns.canonicalize(analysis.text);
    analysis.matches = flows.patterns.match(analysis.text);
    // The loader always indexes; a set that was not would silently show no intents.
    if (flows.intents_by_pattern.size() != flows.patterns.size()) {
        throw std::logic_error("flow set used before index_intents()");
    }
    find_intents(flows, analysis);
    return analysis;
}

}  // namespace reframe
