#pragma once
// Private: the states of a resolved flow set as one graph, for the lint passes. Edges
// follow what a person's conversation can do without interrupts: a state's rules (and
// the fallback that applies to it), `next`, `call` into another flow and that flow's
// `return` back to the place the call named. Interrupts are left out on purpose: they
// can fire anywhere, so counting them would make every state look fine.

#include <cstddef>
#include <string>
#include <vector>

#include "reframe/flow.hpp"

namespace reframe::loader_detail {

/// One way from a state to another. `rule` is the rule that leads there (nullptr for
/// `next`); a return edge also names the call it comes back from.
struct FlowEdge {
    enum class Kind { go, call, ret, next };
    Kind kind = Kind::go;
    std::size_t to = 0;
    const Transition* rule = nullptr;
    std::size_t caller = 0;                 // ret only: the state that made the call
    const Transition* call_rule = nullptr;  // ret only: the call (nullptr: a `next` call)
};

/// A flow set's states numbered 0..size-1, flow by flow.
class FlowGraph {
public:
    explicit FlowGraph(const FlowSet& set);

    std::size_t size() const { return flow_of_.size(); }
    std::size_t node(std::size_t flow, std::size_t state) const { return base_[flow] + state; }
    const Flow& flow(std::size_t node) const { return set_.flows[flow_of_[node]]; }
    const State& state(std::size_t node) const { return flow(node).states[node - base_[flow_of_[node]]]; }
    const std::vector<FlowEdge>& edges(std::size_t node) const { return out_[node]; }
    /// The conversation can rest from here: `end`, the entry's start state, or a
    /// `return` to wherever an interrupt or the first contact called from.
    bool ends(std::size_t node) const { return ends_[node]; }
    /// Where conversations begin: the entry's start, the first contact, interrupt targets.
    const std::vector<std::size_t>& roots() const { return roots_; }
    /// Every state some root leads to.
    std::vector<bool> reachable() const;
    /// The rules that apply in a state, in order: `on`, then the fallback (the state's or
    /// the flow's).
    static std::vector<const Transition*> rules_of(const Flow& flow, const State& state);

private:
    struct ReturnPoint {
        std::size_t to;
        std::size_t caller;
        const Transition* call_rule;
    };

    std::size_t find(const std::string& flow, const std::string& state) const;
    void add_target(std::size_t from, const Target& target, const Transition* rule);
    void collect_calls();
    void add_edges();

    const FlowSet& set_;
    std::vector<std::size_t> base_;
    std::vector<std::size_t> flow_of_;
    std::vector<std::vector<FlowEdge>> out_;
    std::vector<bool> ends_;
    std::vector<std::size_t> roots_;
    std::vector<std::vector<ReturnPoint>> returns_;  // by flow: where a `return` goes
    std::vector<bool> returns_anywhere_;             // by flow: called by an interrupt/first contact
};

inline constexpr std::size_t no_node = static_cast<std::size_t>(-1);

}  // namespace reframe::loader_detail
