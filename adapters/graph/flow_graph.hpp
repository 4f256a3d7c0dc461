#pragma once
/// A picture of flows: states as nodes, rules as labelled edges, ready to be written as
/// Graphviz dot or Mermaid (graph_writers). Built from a loaded, checked FlowSet.
///
/// Thread-safety: pure functions over an immutable FlowSet.

#include <string>
#include <string_view>
#include <vector>

#include "reframe/flow.hpp"

namespace reframe::graph {

enum class NodeKind {
    start,             ///< the dot that points at a flow's start state
    state,             ///< a state of a drawn flow
    end_state,         ///< a state with `end: true`
    external,          ///< a state of a flow that is not drawn (goto / call into it)
    interrupt,         ///< a global interrupt (help, menu, …)
    safety_interrupt,  ///< a safety interrupt (crisis, medical urgency)
    returns,           ///< "back to the caller" (`return: true`)
    rests,             ///< "the conversation rests" (`end: true` in a rule)
    flow_fallback,     ///< the flow's own fallback, for states without one
};

enum class EdgeKind {
    start,      ///< start dot -> start state
    rule,       ///< a rule of `on:` (intent, tag, pattern, option, condition)
    fallback,   ///< a state's fallback
    next,       ///< `next:`, taken at once
    call,       ///< `call:` into a flow (and back)
    leave,      ///< `goto` into another flow
    back,       ///< `return: true`
    interrupt,  ///< an interrupt's target
};

struct Node {
    std::string id;  ///< unique, [A-Za-z0-9_] only
    NodeKind kind = NodeKind::state;
    std::string title;   ///< first line of the label (state name, flow.state, interrupt id)
    std::string detail;  ///< further lines ("" for none); may hold newlines
    std::string flow;    ///< the flow a state node belongs to; "" for others
    bool is_start = false;
};

struct Edge {
    std::string from;
    std::string to;
    EdgeKind kind = EdgeKind::rule;
    std::string label;  ///< what fires it; may hold newlines
    bool safety = false;
};

struct Graph {
    std::vector<std::string> flows;  ///< the flows drawn, in order
    std::vector<Node> nodes;
    std::vector<Edge> edges;
    std::string title;
    bool legend = true;

    const Node* find(std::string_view id) const;
};

struct GraphOptions {
    bool interrupts = true;  ///< draw the global interrupts and where they lead
    bool legend = true;      ///< add a legend of the node and edge styles
};

/// Draws the flows named in `flow_ids` (every one must exist in `flows`).
Graph build_graph(const FlowSet& flows, const std::vector<std::string>& flow_ids, const GraphOptions& options = {});

/// What fires `rule` in words ("intent greeting", "option 2 \"What can we do?\"",
/// "pattern \"i feel *feeling\"", "if consent"), one condition per line.
std::string describe_when(const FlowSet& flows, const Transition& rule, const State* state);

/// `text` cut to at most `max_chars` characters (UTF-8 code points, never inside one),
/// whitespace runs made single spaces; "…" marks a cut.
std::string shorten(std::string_view text, std::size_t max_chars);

/// The first `words` words of the first thing a state says ("" when it says nothing).
std::string first_words(const State& state, std::size_t words);

/// `text` as the inside of a dot "quoted string": backslash, quote and newline escaped,
/// control characters dropped; UTF-8 is kept.
std::string escape_dot(std::string_view text);

/// `text` as the inside of a Mermaid "quoted" label: quotes, #, |, <, >, &, ` as entity
/// codes, newlines as <br/>, control characters dropped.
std::string escape_mermaid(std::string_view text);

/// Graphviz dot source of `graph` (a digraph, one cluster per flow).
std::string to_dot(const Graph& graph);

/// Mermaid `flowchart` source of `graph` (one subgraph per flow).
std::string to_mermaid(const Graph& graph);

}  // namespace reframe::graph
