#include "analysis.hpp"

#include <algorithm>
#include <optional>
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

bool Analysis::matched(PatternId id, std::size_t piece) const {
    if (piece < text.clauses.size()) return matches.matched(id, piece);
    return piece == whole_message() && std::binary_search(message_matches.begin(), message_matches.end(), id);
}

bool guarded(const Analysis& analysis, const std::vector<PatternId>& unless, std::size_t piece) {
    return std::any_of(unless.begin(), unless.end(), [&](PatternId id) { return analysis.matched(id, piece); });
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

bool has_message_scope(const FlowSet& flows) {
    return std::any_of(flows.intents.begin(), flows.intents.end(),
                       [](const Intent& intent) { return intent.scope == IntentScope::message; });
}

}  // namespace

NormalizedText whole_message_text(const NormalizedText& text) {
    NormalizedText whole;
    Clause& piece = whole.clauses.emplace_back();
    piece.tokens.reserve(text.token_count());
    for (const Clause& clause : text.clauses) {
        piece.tokens.insert(piece.tokens.end(), clause.tokens.begin(), clause.tokens.end());
        if (!piece.joined.empty()) piece.joined += ' ';
        piece.joined += clause.joined;
    }
    return whole;
}

bool looks_at(const Intent& intent, const Analysis& analysis, std::size_t piece) {
    if (analysis.text.clauses.size() <= 1) return piece == 0;
    return intent.scope == IntentScope::message ? piece == analysis.whole_message() : piece < analysis.whole_message();
}

namespace {

/// Adds the intents of scope `scope` (any scope when empty) that the patterns `ids`,
/// matched in piece `piece`, show and that no guard of theirs stops there.
void add_intents(const FlowSet& flows, Analysis& analysis, const std::vector<PatternId>& ids, std::size_t piece,
                 std::optional<IntentScope> scope, std::vector<bool>& decided) {
    for (PatternId id : ids) {
        for (std::size_t i : flows.intents_by_pattern[id]) {
            const Intent& intent = flows.intents[i];
            if (decided[i] || (scope && intent.scope != *scope) || guarded(analysis, intent.unless, piece)) continue;
            decided[i] = true;
            analysis.intents.push_back(IntentMatch{&intent, piece, id});
        }
    }
}

/// Walks only the patterns that matched, piece by piece, to the intents that own them:
/// the same result as trying every intent, at the cost of what matched.
void find_intents(const FlowSet& flows, Analysis& analysis) {
    std::vector<bool> decided(flows.intents.size(), false);
    // With one clause, that clause is the whole message: every intent looks at it.
    const bool split = analysis.text.clauses.size() > 1;
    const auto per_clause = split ? std::optional{IntentScope::clause} : std::nullopt;
    const auto& by_clause = analysis.matches.by_clause;
    for (std::size_t c = 0; c < by_clause.size(); ++c)
        add_intents(flows, analysis, by_clause[c], c, per_clause, decided);
    if (split) {
        add_intents(flows, analysis, analysis.message_matches, analysis.whole_message(), IntentScope::message, decided);
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
    // One more pass, over the whole message, only when some intent looks there and the
    // message has more than one clause.
    if (analysis.text.clauses.size() > 1 && has_message_scope(flows)) {
        analysis.message_matches = std::move(flows.patterns.match(whole_message_text(analysis.text)).by_clause.front());
    }
    // The loader always indexes; a set that was not would silently show no intents.
    if (flows.intents_by_pattern.size() != flows.patterns.size()) {
        throw std::logic_error("flow set used before index_intents()");
    }
    find_intents(flows, analysis);
    return analysis;
}

}  // namespace reframe
