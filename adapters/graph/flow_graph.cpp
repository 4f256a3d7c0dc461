// Builds the picture of some flows: nodes for states, edges for rules.
#include "flow_graph.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace reframe::graph {
namespace {

constexpr std::size_t say_words = 6;
constexpr std::size_t say_chars = 48;

/// Names are letters, digits and `_` already; anything else is spelt out, so ids stay
/// valid in dot and Mermaid whatever a future loader accepts.
std::string id_part(std::string_view name) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (const char c : name) {
        const auto u = static_cast<unsigned char>(c);
        if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9')) {
            out += c;
        } else if (c == '_') {
            out += "_";
        } else {
            out += "_x";
            out += hex[u >> 4U];
            out += hex[u & 0xFU];
        }
    }
    return out;
}

std::string state_id(const std::string& flow, const std::string& state) {
    return "s_" + id_part(flow) + "__" + id_part(state);
}

class Builder {
public:
    Builder(const FlowSet& flows, const std::vector<std::string>& drawn, Graph& graph)
        : flows_(flows), drawn_(drawn.begin(), drawn.end()), graph_(graph) {}

    void add_flow(const Flow& flow);
    void add_interrupts();

private:
    void add_state(const Flow& flow, const State& state);
    void add_rule(const Flow& flow, const std::string& from, const Transition& rule, EdgeKind kind,
                  const std::string& when);
    std::string target_node(const std::string& flow, const Target& target);
    void add_node(Node node);

    const FlowSet& flows_;
    std::set<std::string> drawn_;
    Graph& graph_;
    std::set<std::string> ids_;
};

void Builder::add_node(Node node) {
    if (!ids_.insert(node.id).second) return;
    graph_.nodes.push_back(std::move(node));
}

std::string Builder::target_node(const std::string& flow, const Target& target) {
    switch (target.kind) {
        case Target::Kind::ret: {
            const std::string id = "ret_" + id_part(flow);
            add_node(Node{id, NodeKind::returns, "back to the caller", "", flow, false});
            return id;
        }
        case Target::Kind::end: {
            const std::string id = "rest_" + id_part(flow);
            add_node(Node{id, NodeKind::rests, "the conversation rests", "(next message: the entry)", flow, false});
            return id;
        }
        case Target::Kind::stay:
        case Target::Kind::go:
        case Target::Kind::call:
            break;
    }
    if (drawn_.contains(target.flow)) return state_id(target.flow, target.state);
    const std::string id = "x_" + id_part(target.flow) + "__" + id_part(target.state);
    add_node(Node{id, NodeKind::external, target.flow + "." + target.state, "(another flow)", "", false});
    return id;
}

void Builder::add_rule(const Flow& flow, const std::string& from, const Transition& rule, EdgeKind kind,
                       const std::string& when) {
    std::string label = when;
    std::string to;
    switch (rule.target.kind) {
        case Target::Kind::stay:
            to = from;
            break;
        case Target::Kind::call:
            to = target_node(flow.id, rule.target);
            if (rule.target.flow != flow.id) {
                kind = EdgeKind::call;
                label += "\ncall" + (rule.target.then_state.empty() ? std::string{", then back here"}
                                                                    : ", then back to " + rule.target.then_state);
            }
            break;
        case Target::Kind::go:
            to = target_node(flow.id, rule.target);
            if (rule.target.flow != flow.id && kind == EdgeKind::rule) kind = EdgeKind::leave;
            break;
        case Target::Kind::ret:
            to = target_node(flow.id, rule.target);
            kind = EdgeKind::back;
            break;
        case Target::Kind::end:
            to = target_node(flow.id, rule.target);
            break;
    }
    graph_.edges.push_back(Edge{from, to, kind, label, false});
}

void Builder::add_state(const Flow& flow, const State& state) {
    const std::string id = state_id(flow.id, state.id);
    for (const auto& rule : state.on) {
        add_rule(flow, id, rule, EdgeKind::rule, describe_when(flows_, rule, &state));
    }
    if (state.fallback) add_rule(flow, id, *state.fallback, EdgeKind::fallback, "fallback");
    if (state.next) {
        Transition hop;
        hop.target = *state.next;
        add_rule(flow, id, hop, EdgeKind::next, "next (at once)");
        if (graph_.edges.back().kind != EdgeKind::call) graph_.edges.back().kind = EdgeKind::next;
    }
}

void Builder::add_flow(const Flow& flow) {
    add_node(Node{"start_" + id_part(flow.id), NodeKind::start, "start", "", flow.id, false});
    for (const auto& state : flow.states) {
        const auto kind = state.end ? NodeKind::end_state : NodeKind::state;
        add_node(Node{state_id(flow.id, state.id), kind, state.id, shorten(first_words(state, say_words), say_chars),
                      flow.id, state.id == flow.start});
    }
    graph_.edges.push_back(
        Edge{"start_" + id_part(flow.id), state_id(flow.id, flow.start), EdgeKind::start, "", false});
    for (const auto& state : flow.states) add_state(flow, state);
    if (flow.fallback) {
        const std::string id = "fb_" + id_part(flow.id);
        add_node(
            Node{id, NodeKind::flow_fallback, "fallback of the flow", "(states without their own)", flow.id, false});
        if (flow.fallback->target.kind != Target::Kind::stay) {
            add_rule(flow, id, *flow.fallback, EdgeKind::fallback, "fallback");
        }
    }
}

void Builder::add_interrupts() {
    for (const auto& interrupt : flows_.interrupts) {
        const bool safety = !interrupt.safety.empty();
        const std::string id = "i_" + id_part(interrupt.id);
        const auto& target = interrupt.rule.target;
        const bool moves = target.kind == Target::Kind::go || target.kind == Target::Kind::call;
        const char* how = target.kind == Target::Kind::call ? "call" : "goto";
        std::string detail = safety ? "safety: " + interrupt.safety + ", always first"
                                    : "priority " + std::to_string(interrupt.priority);
        detail += "\n" + describe_when(flows_, interrupt.rule, nullptr);
        // Where it leads is drawn as an arrow only into the flows of this picture; elsewhere
        // it is written in the box, so thirty interrupts do not bury one flow.
        const bool drawn = moves && drawn_.contains(target.flow);
        if (moves && !drawn) detail += "\nthen: " + std::string{how} + " " + target.flow + "." + target.state;
        add_node(Node{id, safety ? NodeKind::safety_interrupt : NodeKind::interrupt, "interrupt " + interrupt.id,
                      detail, "", false});
        if (drawn) graph_.edges.push_back(Edge{id, target_node(target.flow, target), EdgeKind::interrupt, how, safety});
    }
}

}  // namespace

const Node* Graph::find(std::string_view id) const {
    const auto it = std::find_if(nodes.begin(), nodes.end(), [id](const Node& n) { return n.id == id; });
    return it == nodes.end() ? nullptr : &*it;
}

Graph build_graph(const FlowSet& flows, const std::vector<std::string>& flow_ids, const GraphOptions& options) {
    Graph graph;
    graph.flows = flow_ids;
    Builder builder(flows, flow_ids, graph);
    for (const auto& id : flow_ids) {
        const Flow* flow = flows.find_flow(id);
        if (flow == nullptr) throw std::invalid_argument("build_graph: no flow '" + id + "'");
        builder.add_flow(*flow);
    }
    if (options.interrupts) builder.add_interrupts();
    graph.legend = options.legend;
    graph.title = flow_ids.size() == 1 ? "flow " + flow_ids.front() : std::to_string(flow_ids.size()) + " flows";
    return graph;
}

}  // namespace reframe::graph
