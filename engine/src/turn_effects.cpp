// TurnRunner: what a rule does once it fits (the "then" half of a rule).
#include <algorithm>
#include <cstdio>

#include "reframe/history.hpp"
#include "turn_runner.hpp"
#include "variant_picker.hpp"

namespace reframe {
namespace {

constexpr std::size_t max_stack_depth = 16;

}  // namespace

void TurnRunner::say(const std::vector<std::vector<Template>>& variants, const std::string& key) {
    if (variants.empty()) return;
    const auto& chosen = variants[pick_variant(session_, key, variants.size())];
    for (const auto& message : chosen) {
        auto text = render(message);
        if (!text.empty()) reply_->messages.push_back(std::move(text));
    }
}

void TurnRunner::assign(const std::vector<Assignment>& assignments) {
    for (const auto& a : assignments) session_.vars[a.var] = render(a.value);
}

bool TurnRunner::captures_used(PatternId pattern) const {
    const auto& names = flows_.patterns.capture_names(pattern);
    return std::any_of(names.begin(), names.end(), [this](const std::string& n) { return flows_.uses_variable(n); });
}

void TurnRunner::fire(const Transition& rule, const RuleMatch& match, const std::string& key) {
    if (match.clause && *match.clause < analysis_.text.clauses.size()) {
        const Clause& clause = analysis_.text.clauses[*match.clause];
        clause_ = clause.joined;
        if (match.pattern && captures_used(*match.pattern)) {
            for (auto& [name, value] : flows_.patterns.captures(*match.pattern, clause)) {
                if (flows_.uses_variable(name)) session_.vars[name] = std::move(value);
            }
        }
    }
    assign(rule.set);
    apply_records(rule.record);
    if (rule.score) apply_score(*rule.score);
    apply_action(rule.action);
    say(rule.say, key);
    if (rule.again && rule.target.kind == Target::Kind::go && hops_left_-- > 0) {
        hand_on(rule.target);
        return;
    }
    if (rule.again && rule.target.kind == Target::Kind::end && hops_left_-- > 0) {
        // Rest, then answer the same message as the start of a new conversation.
        reset_to_entry();
        Target entry;
        entry.kind = Target::Kind::go;
        entry.flow = session_.at.flow;
        entry.state = session_.at.state;
        hand_on(entry);
        return;
    }
    apply_target(rule.target, !rule.say.empty());
}

void TurnRunner::apply_score(const Scoring& scoring) {
    double sum = 0;
    int answered = 0;
    for (const auto& var : scoring.item_vars) {
        const auto it = session_.vars.find(var);
        if (it == session_.vars.end()) continue;
        if (const auto value = parse_number(it->second)) {
            sum += *value;
            ++answered;
        }
    }
    if (answered == 0) return;
    char text[32];
    std::snprintf(text, sizeof text, "%.1f", sum / answered);
    session_.vars[scoring.name + ".score"] = text;
    record_value(session_.history, scoring.name, day_of(now_), text);
    recorded_.emplace_back(scoring.name, text);
}

void TurnRunner::apply_records(const std::vector<Assignment>& records) {
    for (const auto& r : records) {
        std::string value = render(r.value);
        const auto first = value.find_first_not_of(' ');
        if (first == std::string::npos) continue;  // nothing to keep: an empty capture
        value = value.substr(first, value.find_last_not_of(' ') - first + 1);
        record_value(session_.history, r.var, day_of(now_), value);
        recorded_.emplace_back(r.var, std::move(value));
    }
    history_texts_.clear();  // what {history.…} says has changed
}

void TurnRunner::apply_action(DataAction action) {
    switch (action) {
        case DataAction::none:
            return;
        case DataAction::grant_transcripts:
            session_.consent = consent_granted;
            break;
        case DataAction::decline_transcripts:
            session_.consent = consent_declined;
            break;
        case DataAction::forget_me:
        case DataAction::export_my_data:
            break;  // the engine carries these out with the store, after the turn
    }
    action_ = action;
}

void TurnRunner::hand_on(const Target& target) {
    session_.at = Frame{target.flow, target.state};
    const State* state = current_state();
    if (state == nullptr) {
        end_conversation();
        return;
    }
    if (reply_ != nullptr) reply_->visited.push_back(target.flow + "." + target.state);
    assign(state->set);
    // The target's own rules answer the message; if none fits, it is entered as usual.
    if (!try_state_rules()) enter(target.flow, target.state);
}

void TurnRunner::apply_target(const Target& target, bool said) {
    switch (target.kind) {
        case Target::Kind::stay:
            if (!said) enter(session_.at.flow, session_.at.state);
            return;
        case Target::Kind::go:
            enter(target.flow, target.state);
            return;
        case Target::Kind::call:
            if (target.flow != session_.at.flow) {
                if (session_.stack.size() >= max_stack_depth) session_.stack.erase(session_.stack.begin());
                const auto& back = target.then_state.empty() ? session_.at.state : target.then_state;
                session_.stack.push_back(Frame{session_.at.flow, back});
            }
            enter(target.flow, target.state);
            return;
        case Target::Kind::ret:
            if (session_.stack.empty()) {
                end_conversation();
            } else {
                const Frame back = session_.stack.back();
                session_.stack.pop_back();
                enter(back.flow, back.state);
            }
            return;
        case Target::Kind::end:
            end_conversation();
            return;
    }
}

void TurnRunner::enter(const std::string& flow_id, const std::string& state_id) {
    session_.at = Frame{flow_id, state_id};
    if (reply_ != nullptr) reply_->visited.push_back(flow_id + "." + state_id);
    const State* state = current_state();
    if (state == nullptr) {
        end_conversation();
        return;
    }
    assign(state->set);
    say(state->say, flow_id + "." + state_id);
    if (state->end) {
        end_conversation();
    } else if (state->next && hops_left_-- > 0) {
        apply_target(*state->next, false);
    }
}

void TurnRunner::end_conversation() {
    ended_ = true;
    reset_to_entry();
}

void TurnRunner::reset_to_entry() {
    session_.stack.clear();
    session_.at = entry_frame(flows_);
}

}  // namespace reframe
