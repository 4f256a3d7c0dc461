#include "flow_warnings.hpp"

#include <set>
#include <utility>

#include "loader_codes.hpp"

namespace reframe::loader_detail {
namespace {

using Place = std::pair<std::string, std::string>;  // flow, state

/// Every place some rule, `next` or interrupt leads to, other than the place itself.
struct Reached {
    std::set<Place> states;
    std::set<std::string> flows;

    void add(const Target& target, const std::string& from_flow, const std::string& from_state) {
        if (target.kind != Target::Kind::go && target.kind != Target::Kind::call) return;
        if (target.flow != from_flow || target.state != from_state) states.insert({target.flow, target.state});
        if (target.flow != from_flow) flows.insert(target.flow);
        if (!target.then_state.empty()) states.insert({from_flow, target.then_state});
    }

    void add(const std::optional<Transition>& rule, const std::string& flow, const std::string& state) {
        if (rule) add(rule->target, flow, state);
    }
};

Reached collect(const FlowSet& set) {
    Reached reached;
    for (const auto& flow : set.flows) {
        reached.states.insert({flow.id, flow.start});
        for (const auto& state : flow.states) {
            for (const auto& rule : state.on) reached.add(rule.target, flow.id, state.id);
            reached.add(state.fallback, flow.id, state.id);
            if (state.next) reached.add(*state.next, flow.id, state.id);
        }
        reached.add(flow.fallback, flow.id, "");
    }
    for (const auto& interrupt : set.interrupts) reached.add(interrupt.rule.target, "", "");
    reached.flows.insert(set.entry_flow);
    if (!set.first_contact.flow.empty()) reached.flows.insert(set.first_contact.flow);
    return reached;
}

void warn_state(const Flow& flow, const State& state, const Reached& reached, LoadState& out) {
    if (!reached.states.contains({flow.id, state.id})) {
        out.warning(code::unreachable_state, state.where,
                    "state '" + state.id + "' of flow '" + flow.id +
                        "' cannot be reached: no rule, `next` or "
                        "`call` leads to it",
                    "add a rule that goes to it, or remove it");
    }
    const bool can_leave = !state.on.empty() || state.fallback || flow.fallback || state.next;
    if (!can_leave && !state.end) {
        out.warning(code::stuck_state, state.where,
                    "state '" + state.id +
                        "' has no rules, no fallback, no `next` and no `end`: the person "
                        "would be stuck here",
                    "add rules under `on:`, a `fallback`, `next:`, or `end: true`");
    }
}

}  // namespace

void warn_dead_ends(LoadState& state) {
    const Reached reached = collect(state.set);
    for (const auto& flow : state.set.flows) {
        if (!reached.flows.contains(flow.id)) {
            state.warning(code::unreachable_flow, flow.where,
                          "flow '" + flow.id +
                              "' cannot be reached: it is not the entry flow and nothing "
                              "calls it or goes to it",
                          "add a `call:` or `goto:` to it from another flow or an interrupt, or remove it");
        }
        for (const auto& s : flow.states) warn_state(flow, s, reached, state);
    }
}

}  // namespace reframe::loader_detail
