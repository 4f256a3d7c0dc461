// explain(): a real turn on a scratch session, with the runner reporting what it
// considered, plus what the analysis saw (patterns, lexicon entries, guards).
#include "reframe/explain.hpp"

#include <algorithm>
#include <chrono>

#include "analysis.hpp"
#include "turn_runner.hpp"
#include "variant_picker.hpp"

namespace reframe {
namespace {

bool blank(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
    });
}

/// Every "flow.state" and every flow name, for did-you-mean.
std::vector<std::string> places(const FlowSet& flows) {
    std::vector<std::string> names;
    for (const auto& flow : flows.flows) {
        names.push_back(flow.id);
        for (const auto& state : flow.states) names.push_back(flow.id + "." + state.id);
    }
    return names;
}

tl::expected<Frame, EngineError> resolve_state(const FlowSet& flows, const std::string& name) {
    if (name.empty()) return TurnRunner::entry_frame(flows);
    const auto dot = name.find('.');
    const std::string flow_id = name.substr(0, dot);
    if (const Flow* flow = flows.find_flow(flow_id)) {
        const std::string state = dot == std::string::npos ? flow->start : name.substr(dot + 1);
        if (flow->find_state(state) != nullptr) return Frame{flow_id, state};
    }
    const auto close = did_you_mean(name, places(flows));
    return tl::unexpected(EngineError{"no state '" + name + "'" +
                                      (close.empty() ? std::string{" (write flow.state, e.g. reframe.opening)"}
                                                     : " — did you mean '" + close + "'?")});
}

/// Which intents and rules each pattern belongs to, found by walking the flow set.
struct PatternOwners {
    std::vector<std::vector<std::string>> guard_of;
    std::vector<std::vector<std::string>> rule_of;

    explicit PatternOwners(const FlowSet& flows) : guard_of(flows.patterns.size()), rule_of(flows.patterns.size()) {
        for (const auto& intent : flows.intents) {
            for (PatternId id : intent.unless) guard_of[id].push_back(intent.id);
        }
        for (const auto& flow : flows.flows) {
            for (const auto& state : flow.states) {
                for (std::size_t i = 0; i < state.on.size(); ++i) {
                    add(state.on[i], flow.id + "." + state.id + " rule " + std::to_string(i + 1));
                }
            }
        }
        for (const auto& interrupt : flows.interrupts) add(interrupt.rule, "interrupt " + interrupt.id);
    }

    void add(const Transition& rule, const std::string& name) {
        for (PatternId id : rule.patterns) rule_of[id].push_back(name);
        for (PatternId id : rule.unless) rule_of[id].push_back(name + " (unless)");
    }
};

PatternHit hit_of(const FlowSet& flows, const PatternOwners& owners, PatternId id, std::size_t piece,
                  const Clause& clause) {
    PatternHit hit;
    hit.pattern = id;
    hit.source = flows.patterns.source(id);
    hit.piece = piece;
    for (std::size_t i : flows.intents_by_pattern[id]) hit.intent_of.push_back(flows.intents[i].id);
    hit.guard_of = owners.guard_of[id];
    hit.rule_of = owners.rule_of[id];
    if (flows.patterns.capture_names(id).empty()) return hit;
    for (auto& [name, value] : flows.patterns.captures(id, clause)) {
        const bool lexicon = flows.lexicons.contains(name) && hit.source.find("{" + name + "}") != std::string::npos;
        (lexicon ? hit.lexicon_entries : hit.captures).emplace_back(name, std::move(value));
    }
    return hit;
}

/// Patterns of the whole-message piece matter only to message-scoped intents.
bool message_scoped_owner(const FlowSet& flows, const PatternOwners& owners, PatternId id) {
    const auto scoped = [&flows](const std::string& name) {
        const Intent* intent = flows.find_intent(name);
        return intent != nullptr && intent->scope == IntentScope::message;
    };
    std::vector<std::string> names;
    for (std::size_t i : flows.intents_by_pattern[id]) names.push_back(flows.intents[i].id);
    names.insert(names.end(), owners.guard_of[id].begin(), owners.guard_of[id].end());
    return std::any_of(names.begin(), names.end(), scoped);
}

std::vector<PatternHit> pattern_hits(const FlowSet& flows, const Analysis& analysis) {
    const PatternOwners owners(flows);
    std::vector<PatternHit> hits;
    const auto& clauses = analysis.text.clauses;
    for (std::size_t c = 0; c < analysis.matches.by_clause.size(); ++c) {
        for (PatternId id : analysis.matches.by_clause[c]) hits.push_back(hit_of(flows, owners, id, c, clauses[c]));
    }
    if (analysis.message_matches.empty()) return hits;
    const NormalizedText whole = whole_message_text(analysis.text);
    for (PatternId id : analysis.message_matches) {
        if (message_scoped_owner(flows, owners, id)) {
            hits.push_back(hit_of(flows, owners, id, analysis.whole_message(), whole.clauses.front()));
        }
    }
    return hits;
}

/// Where a positive pattern of `intent` matched a piece it looks at but a guard of its own
/// matched the same piece.
std::optional<IntentFinding> stopped(const FlowSet& flows, const Analysis& analysis, const Intent& intent) {
    for (std::size_t piece = 0; piece <= analysis.whole_message(); ++piece) {
        if (!looks_at(intent, analysis, piece)) continue;
        const auto pattern = std::find_if(intent.patterns.begin(), intent.patterns.end(),
                                          [&](PatternId id) { return analysis.matched(id, piece); });
        if (pattern == intent.patterns.end()) continue;
        const auto guard = std::find_if(intent.unless.begin(), intent.unless.end(),
                                        [&](PatternId id) { return analysis.matched(id, piece); });
        if (guard == intent.unless.end()) continue;
        return IntentFinding{&intent, false, piece, flows.patterns.source(*pattern), flows.patterns.source(*guard)};
    }
    return std::nullopt;
}

std::vector<IntentFinding> intent_findings(const FlowSet& flows, const Analysis& analysis) {
    std::vector<IntentFinding> findings;
    for (const auto& m : analysis.intents) {
        findings.push_back(IntentFinding{m.intent, true, m.clause, flows.patterns.source(m.pattern), {}});
    }
    for (const auto& intent : flows.intents) {
        if (analysis.find(intent.id) != nullptr) continue;
        if (auto finding = stopped(flows, analysis, intent)) findings.push_back(std::move(*finding));
    }
    return findings;
}

/// A person at `at` who has answered the privacy question (no transcript), nothing set.
SessionState scratch_session(const FlowSet& flows, const Frame& at, std::uint64_t seed) {
    SessionState session;
    session.user = "explain";
    session.at = at;
    session.seed = seed ^ stable_hash(session.user);
    session.greeted = true;
    if (at.flow != flows.first_contact.flow) session.consent = consent_declined;
    return session;
}

std::int64_t unix_now() {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    return std::chrono::duration_cast<std::chrono::seconds>(now).count();
}

}  // namespace

const RuleCheck* Explanation::fired() const {
    for (const auto& check : rules) {
        if (check.outcome == RuleCheck::Outcome::fired && check.kind != RuleCheck::Kind::global_fallback) {
            return &check;
        }
    }
    return nullptr;
}

tl::expected<Explanation, EngineError> explain(std::shared_ptr<const FlowSet> flows, std::string_view text,
                                               const ExplainOptions& options) {
    if (!flows) throw std::invalid_argument("explain needs a flow set");
    if (blank(text)) return tl::unexpected(EngineError{"empty message: give the text to explain"});
    auto at = resolve_state(*flows, options.state);
    if (!at) return tl::unexpected(at.error());
    Explanation result;
    result.flows = flows;
    result.text = std::string{text};
    const Analysis analysis = analyze(*flows, text);
    for (const auto& clause : analysis.text.clauses) {
        auto& tokens = result.clauses.emplace_back();
        for (const auto& token : clause.tokens) tokens.push_back(token.text);
    }
    result.patterns = pattern_hits(*flows, analysis);
    result.intents = intent_findings(*flows, analysis);
    result.traps = analysis.traps();
    result.from = at->flow + "." + at->state;
    SessionState session = scratch_session(*flows, *at, options.seed);
    TurnRunner runner(*flows, session, analysis, options.max_hops);
    runner.set_locale(options.locale);
    runner.set_now(unix_now());
    runner.set_trace(&result.rules);
    runner.handle_message(result.reply);
    result.reply.user = session.user;
    return result;
}

}  // namespace reframe
