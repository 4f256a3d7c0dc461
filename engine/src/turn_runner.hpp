#pragma once
/// The state machine for one turn: interrupts first (safety before everything), then the
/// current state's rules in order, then the fallbacks; then the effects of the rule that
/// fired (captures, `set`, `say`, and the move to the next state).
///
/// Thread-safety: a TurnRunner is used for one turn by one thread; it reads the shared,
/// immutable FlowSet and writes only the SessionState it was given.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analysis.hpp"
#include "reframe/engine.hpp"
#include "reframe/explain.hpp"
#include "reframe/session.hpp"

namespace reframe {

class TurnRunner {
public:
    TurnRunner(const FlowSet& flows, SessionState& session, const Analysis& analysis, int max_hops);

    /// The entry flow's start state: where a new or ended conversation waits.
    static Frame entry_frame(const FlowSet& flows);

    /// Puts a new session at the entry flow's start state.
    static void start_session(const FlowSet& flows, SessionState& session, std::uint64_t seed);

    /// Whether a safety interrupt fits the analysed message (same rules as a turn uses).
    bool safety_interrupt_fits() const;

    /// Handles the analysed message and fills `reply`.
    void handle_message(Reply& reply);

    /// Says the current state's prompt again (or the entry's, for a new session).
    void greet(Reply& reply);

    /// The person went quiet: one of settings.quiet, and the conversation rests.
    void quiet(Reply& reply);

    /// The locale of `{resources.…}` when the session sets no `locale` variable (empty:
    /// the resources' default).
    void set_locale(std::string_view locale) { locale_ = locale; }

    /// The data action of the rule that fired last in this turn (none if no rule asked).
    DataAction action() const { return action_; }

    /// The time of the turn (unix seconds): the day of check-ins and of `{history.…}`.
    void set_now(std::int64_t now) { now_ = now; }

    /// From now on, appends every rule considered (and why it fitted or not) to `trace`,
    /// and also checks the rules after the winner (they lose). For explain; null: off.
    void set_trace(std::vector<RuleCheck>* trace) { trace_ = trace; }

    /// The check-in values `record:` kept in this turn, in order.
    const std::vector<std::pair<std::string, std::string>>& recorded() const { return recorded_; }

    /// Where the session was when this turn found that the flows (reloaded since) no longer
    /// have that state, and so moved it to the entry; empty when it did not happen.
    const std::optional<Frame>& moved_from() const { return moved_from_; }

private:
    /// A session whose state a reload removed starts again at the entry (a safe place).
    void move_if_state_missing();
    std::optional<RuleMatch> match_rule(const Transition& rule, const State* state, Miss* why = nullptr) const;
    std::optional<RuleMatch> match_intents(const Transition& rule, Miss* why) const;
    bool interrupt_applies(const Interrupt& interrupt) const;
    void note(RuleCheck::Kind kind, const Transition* rule, std::size_t index, RuleCheck::Outcome outcome,
              Miss miss = {}, const Interrupt* interrupt = nullptr);
    void note_losers(std::size_t first_interrupt, std::size_t first_rule);
    bool option_chosen(std::size_t index, const State& state) const;
    void fire(const Transition& rule, const RuleMatch& match, const std::string& key);
    bool captures_used(PatternId pattern) const;
    void apply_target(const Target& target, bool said);
    void hand_on(const Target& target);
    void apply_action(DataAction action);
    void apply_records(const std::vector<Assignment>& records);
    void apply_score(const Scoring& scoring);
    std::optional<std::string_view> history_lookup(std::string_view name) const;
    void enter(const std::string& flow, const std::string& state);
    void end_conversation();
    void reset_to_entry();
    void say(const std::vector<std::vector<Template>>& variants, const std::string& key);
    void assign(const std::vector<Assignment>& assignments);
    /// The interrupts this message could set off, in order: those its intents (or their
    /// tags) call for and those that ask for no intent (FlowSet::interrupts_by_intent); every
    /// one when explaining.
    std::vector<std::size_t> interrupts_to_try() const;
    bool try_interrupts();
    bool try_state_rules();
    void finish();
    std::optional<Frame> moved_from_;
    std::optional<std::string_view> lookup(std::string_view name) const;
    std::string render(const Template& t) const;
    const State* current_state() const;

    const FlowSet& flows_;
    SessionState& session_;
    const Analysis& analysis_;
    Reply* reply_ = nullptr;
    int hops_left_;
    bool ended_ = false;
    std::string clause_;  // the transient {clause}
    std::string text_;    // the transient {text}
    std::string_view locale_;
    DataAction action_ = DataAction::none;
    std::int64_t now_ = 0;
    std::vector<std::pair<std::string, std::string>> recorded_;
    std::vector<RuleCheck>* trace_ = nullptr;
    mutable std::map<std::string, std::string, std::less<>> history_texts_;  // rendered {history.…}

    static constexpr std::string_view resources_prefix = "resources.";
    static constexpr std::string_view history_prefix = "history.";
};

}  // namespace reframe
