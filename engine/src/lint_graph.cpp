#include "lint_graph.hpp"

#include <deque>

namespace reframe::loader_detail {

FlowGraph::FlowGraph(const FlowSet& set) : set_(set) {
    for (std::size_t f = 0; f < set.flows.size(); ++f) {
        base_.push_back(flow_of_.size());
        flow_of_.insert(flow_of_.end(), set.flows[f].states.size(), f);
    }
    out_.resize(size());
    ends_.assign(size(), false);
    returns_.resize(set.flows.size());
    returns_anywhere_.assign(set.flows.size(), false);
    collect_calls();
    add_edges();
    if (const Flow* entry = set.find_flow(set.entry_flow)) {
        const std::size_t start = find(entry->id, entry->start);
        if (start != no_node) {
            ends_[start] = true;
            roots_.push_back(start);
        }
    }
    if (!set.first_contact.flow.empty()) {
        const std::size_t first = find(set.first_contact.flow, set.first_contact.state);
        if (first != no_node) roots_.push_back(first);
    }
    for (const auto& interrupt : set.interrupts) {
        const Target& t = interrupt.rule.target;
        if (t.kind != Target::Kind::go && t.kind != Target::Kind::call) continue;
        if (const std::size_t to = find(t.flow, t.state); to != no_node) roots_.push_back(to);
    }
}

std::size_t FlowGraph::find(const std::string& flow, const std::string& state) const {
    const auto f = set_.flow_index.find(flow);
    if (f == set_.flow_index.end()) return no_node;
    const auto& index = set_.flows[f->second].state_index;
    const auto s = index.find(state);
    return s == index.end() ? no_node : node(f->second, s->second);
}

std::vector<const Transition*> FlowGraph::rules_of(const Flow& flow, const State& state) {
    std::vector<const Transition*> rules;
    for (const auto& rule : state.on) rules.push_back(&rule);
    if (state.fallback) {
        rules.push_back(&*state.fallback);
    } else if (flow.fallback) {
        rules.push_back(&*flow.fallback);
    }
    return rules;
}

/// Where each flow's `return` leads: the `then` state, or the state that called.
void FlowGraph::collect_calls() {
    for (const auto& interrupt : set_.interrupts) {
        const Target& t = interrupt.rule.target;
        if (t.kind != Target::Kind::call) continue;
        if (const auto f = set_.flow_index.find(t.flow); f != set_.flow_index.end())
            returns_anywhere_[f->second] = true;
    }
    if (const auto f = set_.flow_index.find(set_.first_contact.flow); f != set_.flow_index.end()) {
        returns_anywhere_[f->second] = true;
    }
    for (std::size_t n = 0; n < size(); ++n) {
        const auto note = [&](const Target& t, const Transition* rule) {
            if (t.kind != Target::Kind::call) return;
            const auto f = set_.flow_index.find(t.flow);
            if (f == set_.flow_index.end()) return;
            const std::size_t back = t.then_state.empty() ? n : find(flow(n).id, t.then_state);
            if (back != no_node) returns_[f->second].push_back({back, n, rule});
        };
        for (const Transition* rule : rules_of(flow(n), state(n))) note(rule->target, rule);
        if (state(n).next) note(*state(n).next, nullptr);
    }
}

void FlowGraph::add_target(std::size_t from, const Target& target, const Transition* rule) {
    using K = Target::Kind;
    const auto kind = rule == nullptr          ? FlowEdge::Kind::next
                      : target.kind == K::call ? FlowEdge::Kind::call
                                               : FlowEdge::Kind::go;
    switch (target.kind) {
        case K::stay:
            return;
        case K::end:
            ends_[from] = true;
            return;
        case K::go:
        case K::call:
            if (const std::size_t to = find(target.flow, target.state); to != no_node) {
                out_[from].push_back({kind, to, rule, 0, nullptr});
            }
            return;
        case K::ret: {
            const std::size_t f = flow_of_[from];
            if (returns_anywhere_[f] || returns_[f].empty()) ends_[from] = true;
            for (const auto& back : returns_[f]) {
                out_[from].push_back({FlowEdge::Kind::ret, back.to, rule, back.caller, back.call_rule});
            }
            return;
        }
    }
}

void FlowGraph::add_edges() {
    for (std::size_t n = 0; n < size(); ++n) {
        const State& s = state(n);
        if (s.end) ends_[n] = true;
        for (const Transition* rule : rules_of(flow(n), s)) add_target(n, rule->target, rule);
        if (s.next) add_target(n, *s.next, nullptr);
    }
}

std::vector<bool> FlowGraph::reachable() const {
    std::vector<bool> seen(size(), false);
    std::deque<std::size_t> todo(roots_.begin(), roots_.end());
    for (const std::size_t r : roots_) seen[r] = true;
    while (!todo.empty()) {
        const std::size_t n = todo.front();
        todo.pop_front();
        for (const auto& edge : out_[n]) {
            if (seen[edge.to]) continue;
            seen[edge.to] = true;
            todo.push_back(edge.to);
        }
    }
    return seen;
}

}  // namespace reframe::loader_detail
