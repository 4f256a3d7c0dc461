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
    std::size_t clause = 0;  // first clause it matched in
    PatternId pattern = 0;   // the pattern that matched there
};

/// Where a rule matched: the clause and the pattern whose captures it takes (if any).
struct RuleMatch {
    std::optional<std::size_t> clause;
    std::optional<PatternId> pattern;
};

struct Analysis {
    NormalizedText text;
    PatternMatches matches;
    std::vector<IntentMatch> intents;  // in flow-set order

    const IntentMatch* find(const std::string& intent_id) const;
    const IntentMatch* find_tag(const std::string& tag) const;
    bool has_tag(const std::string& tag) const { return find_tag(tag) != nullptr; }
    std::vector<std::string> intent_ids() const;
    std::vector<std::string> traps() const;
};

/// Normalises `raw` and matches it against every pattern of `flows`.
Analysis analyze(const FlowSet& flows, std::string_view raw);

/// The first clause in which one of `patterns` matched and none of `unless` did.
std::optional<RuleMatch> match_patterns(const Analysis& analysis, const std::vector<PatternId>& patterns,
                                        const std::vector<PatternId>& unless);

/// True when one of `unless` matched clause `clause`.
bool guarded(const Analysis& analysis, const std::vector<PatternId>& unless, std::size_t clause);

}  // namespace reframe
