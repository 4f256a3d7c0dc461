#include "turn_runner.hpp"

#include "reframe/history.hpp"

#include <algorithm>
#include <functional>
#include <numeric>

#include "conditions.hpp"
#include "variant_picker.hpp"

namespace reframe {
namespace {

std::string state_key(const Frame& at) { return at.flow + "." + at.state; }

}  // namespace

TurnRunner::TurnRunner(const FlowSet& flows, SessionState& session, const Analysis& analysis, int max_hops)
    : flows_(flows), session_(session), analysis_(analysis), hops_left_(max_hops) {
    text_ = analysis_.text.joined();
}

Frame TurnRunner::entry_frame(const FlowSet& flows) {
    const Flow* entry = flows.find_flow(flows.entry_flow);
    return Frame{flows.entry_flow, entry ? entry->start : std::string{}};
}

void TurnRunner::start_session(const FlowSet& flows, SessionState& session, std::uint64_t seed) {
    session.at = entry_frame(flows);
    session.stack.clear();
    if (!flows.first_contact.flow.empty()) {
        // The first-contact flow (the privacy notice) runs first and returns to the entry.
        session.stack.push_back(session.at);
        session.at = flows.first_contact;
    }
    session.seed = seed ^ stable_hash(session.user);
}

const State* TurnRunner::current_state() const {
    const Flow* flow = flows_.find_flow(session_.at.flow);
    return flow ? flow->find_state(session_.at.state) : nullptr;
}

std::optional<std::string_view> TurnRunner::lookup(std::string_view name) const {
    if (name == "text") return std::string_view{text_};
    if (name == "clause") return std::string_view{clause_};
    if (name == "consent") return std::string_view{session_.consent};
    if (name.starts_with(resources_prefix)) {
        const auto locale = session_.vars.find("locale");
        return flows_.resources.find(locale != session_.vars.end() ? std::string_view{locale->second} : locale_,
                                     name.substr(resources_prefix.size()));
    }
    if (auto it = flows_.setting_vars.find(name); it != flows_.setting_vars.end()) return std::string_view{it->second};
    if (name.starts_with(history_prefix)) return history_lookup(name);
    if (auto it = session_.vars.find(std::string{name}); it != session_.vars.end()) return std::string_view{it->second};
    if (const Flow* flow = flows_.find_flow(session_.at.flow)) {
        if (auto it = flow->vars.find(std::string{name}); it != flow->vars.end()) return std::string_view{it->second};
    }
    return std::nullopt;
}

std::optional<std::string_view> TurnRunner::history_lookup(std::string_view name) const {
    if (auto it = history_texts_.find(name); it != history_texts_.end()) return std::string_view{it->second};
    const auto rest = name.substr(history_prefix.size());
    std::optional<std::string> text;
    if (rest == "days") {
        text = history_days(session_.history, day_of(now_));
    } else if (const auto dot = rest.rfind('.'); dot != std::string_view::npos) {
        text = history_text(session_.history, rest.substr(0, dot), rest.substr(dot + 1), day_of(now_));
    }
    if (!text) return std::nullopt;
    const auto [it, inserted] = history_texts_.emplace(std::string{name}, std::move(*text));
    return std::string_view{it->second};
}

std::string TurnRunner::render(const Template& t) const {
    return t.render([this](std::string_view name) { return lookup(name); });
}

void TurnRunner::move_if_state_missing() {
    if (current_state() != nullptr || session_.at.flow.empty()) return;
    moved_from_ = session_.at;
    reset_to_entry();
}

void TurnRunner::greet(Reply& reply) {
    reply_ = &reply;
    move_if_state_missing();
    if (const State* state = current_state(); state != nullptr && !state->say.empty()) {
        say(state->say, state_key(session_.at));
    }
    session_.greeted = true;
    finish();
}

void TurnRunner::quiet(Reply& reply) {
    reply_ = &reply;
    if (!flows_.quiet.empty()) {
        const auto i = pick_variant(session_, "!quiet", flows_.quiet.size());
        reply.messages.push_back(render(flows_.quiet[i]));
    }
    end_conversation();
    finish();
}

void TurnRunner::handle_message(Reply& reply) {
    reply_ = &reply;
    reply.intents = analysis_.intent_ids();
    reply.traps = analysis_.traps();
    ++session_.turns;
    session_.greeted = true;
    move_if_state_missing();
    if (!try_interrupts() && !try_state_rules()) {
        if (trace_) note(RuleCheck::Kind::global_fallback, nullptr, 0, RuleCheck::Outcome::fired);
        if (!flows_.global_fallback.empty()) {
            const auto n = flows_.global_fallback.size();
            const auto i = pick_variant(session_, "!fallback", n);
            reply.messages.push_back(render(flows_.global_fallback[i]));
        }
    }
    finish();
}

bool TurnRunner::safety_interrupt_fits() const {
    for (const auto& interrupt : flows_.interrupts) {
        if (!interrupt.safety.empty() && match_rule(interrupt.rule, nullptr)) return true;
    }
    return false;
}

bool TurnRunner::interrupt_applies(const Interrupt& interrupt) const {
    // A non-safety interrupt does not re-enter the flow it leads to (help inside help).
    return !interrupt.safety.empty() || interrupt.rule.target.flow != session_.at.flow;
}

std::vector<std::size_t> TurnRunner::interrupts_to_try() const {
    const auto every = [count = flows_.interrupts.size()] {
        std::vector<std::size_t> all(count);
        std::iota(all.begin(), all.end(), std::size_t{0});
        return all;
    };
    // Explaining a turn notes every interrupt, and a flow set without the tables (not
    // indexed) gets every one too.
    if (trace_ != nullptr || !flows_.interrupts_indexed) return every();
    std::vector<std::size_t> order = flows_.interrupts_without_intent;
    const Intent* first = flows_.intents.data();
    const Intent* end = first + flows_.intents.size();
    for (const auto& m : analysis_.intents) {
        if (std::less<>{}(m.intent, first) || !std::less<>{}(m.intent, end)) return every();  // another flow set's
        const auto& called = flows_.interrupts_by_intent[static_cast<std::size_t>(m.intent - first)];
        order.insert(order.end(), called.begin(), called.end());
    }
    std::sort(order.begin(), order.end());
    order.erase(std::unique(order.begin(), order.end()), order.end());
    return order;
}

bool TurnRunner::try_interrupts() {
    const auto& interrupts = flows_.interrupts;
    for (const std::size_t i : interrupts_to_try()) {
        const auto& interrupt = interrupts[i];
        if (!interrupt_applies(interrupt)) {
            if (trace_)
                note(RuleCheck::Kind::interrupt, &interrupt.rule, i, RuleCheck::Outcome::skipped,
                     Miss{MissReason::own_flow, interrupt.rule.target.flow}, &interrupt);
            continue;
        }
        Miss miss;
        if (auto m = match_rule(interrupt.rule, nullptr, trace_ ? &miss : nullptr)) {
            if (trace_) {
                note(RuleCheck::Kind::interrupt, &interrupt.rule, i, RuleCheck::Outcome::fired, {}, &interrupt);
                note_losers(i + 1, 0);
            }
            reply_->safety = interrupt.safety;
            fire(interrupt.rule, *m, "!" + interrupt.id);
            return true;
        }
        if (trace_) note(RuleCheck::Kind::interrupt, &interrupt.rule, i, RuleCheck::Outcome::no_fit, miss, &interrupt);
    }
    return false;
}

bool TurnRunner::try_state_rules() {
    const State* state = current_state();
    if (state == nullptr) return false;
    const std::string key = state_key(session_.at);
    for (std::size_t i = 0; i < state->on.size(); ++i) {
        Miss miss;
        if (auto m = match_rule(state->on[i], state, trace_ ? &miss : nullptr)) {
            if (trace_) {
                note(RuleCheck::Kind::rule, &state->on[i], i, RuleCheck::Outcome::fired);
                note_losers(flows_.interrupts.size(), i + 1);
            }
            fire(state->on[i], *m, key + "#" + std::to_string(i));
            return true;
        }
        if (trace_) note(RuleCheck::Kind::rule, &state->on[i], i, RuleCheck::Outcome::no_fit, miss);
    }
    if (state->fallback) {
        if (trace_) note(RuleCheck::Kind::state_fallback, &*state->fallback, 0, RuleCheck::Outcome::fired);
        fire(*state->fallback, RuleMatch{}, key + "#fallback");
        return true;
    }
    const Flow* flow = flows_.find_flow(session_.at.flow);
    if (flow != nullptr && flow->fallback) {
        if (trace_) note(RuleCheck::Kind::flow_fallback, &*flow->fallback, 0, RuleCheck::Outcome::fired);
        fire(*flow->fallback, RuleMatch{}, session_.at.flow + "#fallback");
        return true;
    }
    return false;
}

void TurnRunner::note(RuleCheck::Kind kind, const Transition* rule, std::size_t index, RuleCheck::Outcome outcome,
                      Miss miss, const Interrupt* interrupt) {
    trace_->push_back(RuleCheck{kind, outcome, state_key(session_.at), index, rule, interrupt, std::move(miss)});
}

void TurnRunner::note_losers(std::size_t first_interrupt, std::size_t first_rule) {
    // Checked before the winner fires, so they see the same variables it saw.
    const auto& interrupts = flows_.interrupts;
    for (std::size_t i = first_interrupt; i < interrupts.size(); ++i) {
        if (interrupt_applies(interrupts[i]) && match_rule(interrupts[i].rule, nullptr)) {
            note(RuleCheck::Kind::interrupt, &interrupts[i].rule, i, RuleCheck::Outcome::lost, {}, &interrupts[i]);
        }
    }
    const State* state = current_state();
    if (state == nullptr) return;
    for (std::size_t i = first_rule; i < state->on.size(); ++i) {
        if (match_rule(state->on[i], state)) note(RuleCheck::Kind::rule, &state->on[i], i, RuleCheck::Outcome::lost);
    }
}

void TurnRunner::finish() {
    session_.flow_version = flows_.version;
    reply_->state = state_key(session_.at);
    if (ended_) return;
    if (const State* state = current_state()) {
        for (const auto& option : state->options) reply_->options.push_back(render(option));
    }
}

}  // namespace reframe
