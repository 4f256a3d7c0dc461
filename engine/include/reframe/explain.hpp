#pragma once
/// Why the engine answered what it did: what a message was normalised to, which patterns
/// and lexicon entries matched, which intents were found or stopped by a guard, and — from
/// one state — which rule fired, why each earlier rule did not, and which later ones lost.
///
/// Built by running the real turn (the same TurnRunner every message goes through) on a
/// scratch session that is never stored, with the runner reporting what it considered; so
/// an explanation cannot drift from what a turn does. Words and JSON are the adapters'.
///
/// Thread-safety: explain() reads the shared, immutable FlowSet and may run on any thread.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

#include "reframe/engine.hpp"
#include "reframe/flow.hpp"

namespace reframe {

/// One pattern that matched one piece of the message.
struct PatternHit {
    PatternId pattern = 0;
    std::string source;     ///< as the therapist wrote it
    std::size_t piece = 0;  ///< a clause index, or Explanation::whole_message() for the whole message
    /// What its wildcards (`*name`, `(?P<name>…)`) captured, by variable name.
    std::vector<std::pair<std::string, std::string>> captures;
    /// Which entry of which lexicon matched a `{lexicon}` of the pattern.
    std::vector<std::pair<std::string, std::string>> lexicon_entries;
    std::vector<std::string> intent_of;  ///< intents it is a pattern of
    std::vector<std::string> guard_of;   ///< intents it is an `unless` guard of
    std::vector<std::string> rule_of;    ///< rules ("flow.state rule 3", "interrupt help") it is written in
};

/// An intent the message showed, or one a guard stopped.
struct IntentFinding {
    const Intent* intent = nullptr;
    bool found = false;     ///< counted for the message; false: stopped by `guard`
    std::size_t piece = 0;  ///< where its pattern matched
    std::string pattern;    ///< the pattern that matched there
    std::string guard;      ///< when stopped: the `unless` pattern that matched the same piece
};

/// Why a rule did not fit (MissReason::none when it did).
enum class MissReason {
    none,
    intent_absent,      ///< none of its intents was found (detail: their names)
    tag_absent,         ///< no found intent carries one of its tags (detail: the tags)
    pattern_absent,     ///< none of its own patterns matched (detail: the first one)
    guarded,            ///< a guard (`unless`) matched the same piece (detail: the guard)
    option_not_chosen,  ///< the message is not that option (detail: the option number)
    condition_false,    ///< an `if` does not hold (detail: the condition as written)
    own_flow,           ///< a non-safety interrupt is not taken inside the flow it leads to (detail: the flow)
};

struct Miss {
    MissReason reason = MissReason::none;
    std::string detail;
};

/// What became of one rule the turn considered.
struct RuleCheck {
    enum class Kind { interrupt, rule, state_fallback, flow_fallback, global_fallback };
    enum class Outcome {
        fired,    ///< this rule answered the message
        no_fit,   ///< tried before the winner and did not fit (see `miss`)
        skipped,  ///< not tried here (see `miss`: own_flow)
        lost,     ///< would also have fitted, but an earlier rule won
    };
    Kind kind = Kind::rule;
    Outcome outcome = Outcome::no_fit;
    std::string at;                        ///< "flow.state" whose message this was
    std::size_t index = 0;                 ///< for Kind::rule: 0-based position in the state's `on`
    const Transition* rule = nullptr;      ///< null for Kind::global_fallback
    const Interrupt* interrupt = nullptr;  ///< for Kind::interrupt
    Miss miss;
};

struct Explanation {
    std::shared_ptr<const FlowSet> flows;           ///< keeps the pointers below alive
    std::string text;                               ///< as given
    std::vector<std::vector<std::string>> clauses;  ///< the normalised tokens, clause by clause
    std::vector<PatternHit> patterns;
    std::vector<IntentFinding> intents;  ///< found ones first (flow-set order), then the stopped ones
    std::vector<std::string> traps;
    std::string from;              ///< "flow.state" the message was handled in
    std::vector<RuleCheck> rules;  ///< in the order the turn considered them
    Reply reply;                   ///< what the person would get

    std::size_t whole_message() const { return clauses.size(); }
    /// The rule that answered first (null when only the global fallback did).
    const RuleCheck* fired() const;
};

struct ExplainOptions {
    /// "flow.state", or "flow" for its start; empty: the entry state.
    std::string state;
    std::string locale;  ///< of `{resources.…}`; empty: the default
    std::uint64_t seed = EngineOptions{}.seed;
    int max_hops = EngineOptions{}.max_hops;
};

/// Explains how `text` would be answered in `options.state`, as for a person who has
/// answered the privacy question (no transcript) and has no variables set yet. Errors:
/// an empty text, an unknown state (with a did-you-mean).
tl::expected<Explanation, EngineError> explain(std::shared_ptr<const FlowSet> flows, std::string_view text,
                                               const ExplainOptions& options = {});

}  // namespace reframe
