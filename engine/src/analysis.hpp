#pragma once
/// What one message shows: its normalised text, every pattern that matched, and the
/// intents those patterns add up to. Computed once per turn, before any rule is tried.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reframe/flow.hpp"

namespace reframe {

struct IntentMatch {
    const Intent* intent = nullptr;
    /// The first clause it matched in; Analysis::whole_message() when a message-scoped
    /// intent matched a message of several clauses as one piece.
    std::size_t clause = 0;
    PatternId pattern = 0;  // the pattern that matched there
};

/// Where a rule matched: the clause and the pattern whose captures it takes (if any).
struct RuleMatch {
    std::optional<std::size_t> clause;
    std::optional<PatternId> pattern;
};

/// A message is matched piece by piece: each clause, and — for message-scoped intents —
/// the whole message as one more piece, numbered whole_message() (one past the last
/// clause). A message of one clause has no extra piece: that clause is the whole message.
struct Analysis {
    NormalizedText text;
    PatternMatches matches;  // per clause
    /// The patterns that matched the whole message, sorted; filled only when the message
    /// has several clauses and the flow set has a message-scoped intent.
    std::vector<PatternId> message_matches;
    std::vector<IntentMatch> intents;  // in flow-set order

    std::size_t whole_message() const { return text.clauses.size(); }
    /// Whether pattern `id` matched piece `piece` (a clause, or whole_message()).
    bool matched(PatternId id, std::size_t piece) const;

    const IntentMatch* find(const std::string& intent_id) const;
    const IntentMatch* find_tag(const std::string& tag) const;
    bool has_tag(const std::string& tag) const { return find_tag(tag) != nullptr; }
    std::vector<std::string> intent_ids() const;
    std::vector<std::string> traps() const;
};

/// Normalises `raw` and matches it against every pattern of `flows`.
Analysis analyze(const FlowSet& flows, std::string_view raw);

/// The first clause in which one of `patterns` matched and none of `unless` did (a rule's
/// own patterns are always clause-scoped).
std::optional<RuleMatch> match_patterns(const Analysis& analysis, const std::vector<PatternId>& patterns,
                                        const std::vector<PatternId>& unless);

/// All the clauses' words in order, as one clause: the whole-message piece.
NormalizedText whole_message_text(const NormalizedText& text);

/// Whether `intent` looks at piece `piece` of `analysis`: with one clause, every intent
/// looks at it; with several, clause-scoped intents at each clause and message-scoped
/// ones at the whole message only (as analyze() decides).
bool looks_at(const Intent& intent, const Analysis& analysis, std::size_t piece);

/// True when one of `unless` matched piece `piece` (a clause, or whole_message()).
bool guarded(const Analysis& analysis, const std::vector<PatternId>& unless, std::size_t piece);

}  // namespace reframe
