// Writes a flow picture as Graphviz dot or Mermaid source.
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "flow_graph.hpp"

namespace reframe::graph {
namespace {

std::string label_of(const Node& node) { return node.detail.empty() ? node.title : node.title + "\n" + node.detail; }

// ---- dot -------------------------------------------------------------------------------

const char* dot_node_style(const Node& node) {
    switch (node.kind) {
        case NodeKind::start:
            return "shape=point, width=0.18";
        case NodeKind::state:
            return node.is_start ? R"(shape=box, style="rounded,bold", penwidth=2.5, color="#1f4e79")"
                                 : R"(shape=box, style="rounded")";
        case NodeKind::end_state:
            return R"(shape=box, style="rounded,filled", fillcolor="#e6e6e6", peripheries=2)";
        case NodeKind::external:
            return R"(shape=box, style="rounded,dashed", color="#666666", fontcolor="#444444")";
        case NodeKind::interrupt:
            return R"(shape=octagon, style="filled", fillcolor="#fff2cc", color="#b45f06")";
        case NodeKind::safety_interrupt:
            return R"(shape=octagon, style="filled,bold", fillcolor="#f4cccc", color="#cc0000", fontcolor="#990000")";
        case NodeKind::returns:
            return R"(shape=ellipse, style="dashed")";
        case NodeKind::rests:
            return R"(shape=ellipse, peripheries=2)";
        case NodeKind::flow_fallback:
            return R"(shape=note, color="#888888")";
    }
    return "";
}

const char* dot_edge_style(const Edge& edge) {
    switch (edge.kind) {
        case EdgeKind::start:
            return "";
        case EdgeKind::rule:
            return "";
        case EdgeKind::fallback:
            return R"(, style=dashed, color="#888888", fontcolor="#666666")";
        case EdgeKind::next:
            return R"(, style=bold, color="#1f4e79", fontcolor="#1f4e79")";
        case EdgeKind::call:
            return R"(, style=dashed, color="#674ea7", fontcolor="#674ea7", arrowhead=vee)";
        case EdgeKind::leave:
            return R"(, color="#38761d", fontcolor="#38761d")";
        case EdgeKind::back:
            return R"(, style=dotted)";
        case EdgeKind::interrupt:
            return edge.safety ? R"(, color="#cc0000", fontcolor="#cc0000", penwidth=2)"
                               : R"(, color="#b45f06", fontcolor="#b45f06")";
    }
    return "";
}

void dot_node(std::ostream& out, const Node& node, const char* indent) {
    out << indent << '"' << node.id << "\" [label=\""
        << (node.kind == NodeKind::start ? "" : escape_dot(label_of(node))) << "\", " << dot_node_style(node) << "];\n";
}

void dot_edge(std::ostream& out, const Edge& edge) {
    out << "  \"" << edge.from << "\" -> \"" << edge.to << "\" [label=\"" << escape_dot(edge.label) << '"'
        << dot_edge_style(edge) << "];\n";
}

/// The interrupts in a box of rows of `per_row`, held in place by invisible edges (else dot
/// puts them all side by side).
void dot_interrupts(std::ostream& out, const Graph& graph) {
    constexpr std::size_t per_row = 4;
    std::vector<const Node*> interrupts;
    for (const auto& node : graph.nodes) {
        if (node.kind == NodeKind::interrupt || node.kind == NodeKind::safety_interrupt) interrupts.push_back(&node);
    }
    if (interrupts.empty()) return;
    out << "  subgraph \"cluster_interrupts\" {\n"
        << "    label=\"interrupts: checked first, in every state (safety before all)\"; "
        << "style=\"rounded,dashed\"; color=\"#b45f06\";\n";
    for (const Node* node : interrupts) dot_node(out, *node, "    ");
    for (std::size_t i = 0; i + per_row < interrupts.size(); ++i) {
        out << "    \"" << interrupts[i]->id << "\" -> \"" << interrupts[i + per_row]->id << "\" [style=invis];\n";
    }
    out << "  }\n";
}

void dot_legend(std::ostream& out) {
    const std::vector<Node> nodes{
        {"lg_start", NodeKind::start, "", "", "", false},
        {"lg_first", NodeKind::state, "start state", "", "", true},
        {"lg_state", NodeKind::state, "state", "(first words it says)", "", false},
        {"lg_end", NodeKind::end_state, "end state", "", "", false},
        {"lg_other", NodeKind::external, "state of another flow", "", "", false},
        {"lg_back", NodeKind::returns, "back to the caller", "", "", false},
        {"lg_int", NodeKind::interrupt, "interrupt", "", "", false},
        {"lg_safety", NodeKind::safety_interrupt, "safety interrupt", "", "", false},
    };
    const std::vector<Edge> edges{
        {"lg_start", "lg_first", EdgeKind::start, "", false},
        {"lg_first", "lg_state", EdgeKind::rule, "rule: intent, tag, pattern, option, if", false},
        {"lg_state", "lg_state", EdgeKind::fallback, "fallback", false},
        {"lg_state", "lg_end", EdgeKind::next, "next (at once)", false},
        {"lg_first", "lg_other", EdgeKind::call, "call", false},
        {"lg_state", "lg_other", EdgeKind::leave, "goto another flow", false},
        {"lg_end", "lg_back", EdgeKind::back, "return", false},
        {"lg_int", "lg_other", EdgeKind::interrupt, "goto / call", false},
        {"lg_safety", "lg_other", EdgeKind::interrupt, "call", true},
    };
    out << "  subgraph \"cluster_legend\" {\n    label=\"legend\"; style=\"rounded\"; color=\"#bbbbbb\";\n";
    for (const auto& node : nodes) dot_node(out, node, "    ");
    out << "  }\n";
    for (const auto& edge : edges) dot_edge(out, edge);
}

// ---- Mermaid ---------------------------------------------------------------------------

std::string mermaid_node(const Node& node) {
    const std::string label = node.kind == NodeKind::start ? "start" : escape_mermaid(label_of(node));
    switch (node.kind) {
        case NodeKind::start:
            return node.id + "((\"" + label + "\"))";
        case NodeKind::state:
            return node.id + "(\"" + label + "\")";
        case NodeKind::end_state:
        case NodeKind::returns:
        case NodeKind::rests:
            return node.id + "([\"" + label + "\"])";
        case NodeKind::external:
            return node.id + "[[\"" + label + "\"]]";
        case NodeKind::interrupt:
        case NodeKind::safety_interrupt:
            return node.id + "{{\"" + label + "\"}}";
        case NodeKind::flow_fallback:
            return node.id + "[\"" + label + "\"]";
    }
    return node.id;
}

const char* mermaid_class(const Node& node) {
    switch (node.kind) {
        case NodeKind::start:
            return "startDot";
        case NodeKind::state:
            return node.is_start ? "startState" : nullptr;
        case NodeKind::end_state:
            return "endState";
        case NodeKind::external:
            return "external";
        case NodeKind::interrupt:
            return "interrupt";
        case NodeKind::safety_interrupt:
            return "safety";
        case NodeKind::returns:
        case NodeKind::rests:
        case NodeKind::flow_fallback:
            return "terminal";
    }
    return nullptr;
}

std::string mermaid_arrow(EdgeKind kind) {
    switch (kind) {
        case EdgeKind::fallback:
        case EdgeKind::call:
        case EdgeKind::back:
            return "-.->";
        case EdgeKind::next:
            return "==>";
        default:
            return "-->";
    }
}

class MermaidWriter {
public:
    explicit MermaidWriter(std::ostream& out) : out_(out) {}

    void node(const Node& node, const char* indent) {
        out_ << indent << mermaid_node(node) << '\n';
        if (const char* c = mermaid_class(node)) classes_.emplace_back(node.id, c);
    }

    void edge(const Edge& edge) {
        out_ << "  " << edge.from << ' ' << mermaid_arrow(edge.kind);
        if (!edge.label.empty()) out_ << "|\"" << escape_mermaid(edge.label) << "\"|";
        out_ << ' ' << edge.to << '\n';
        if (edge.kind == EdgeKind::interrupt) (edge.safety ? safety_links_ : interrupt_links_).push_back(links_);
        if (edge.kind == EdgeKind::call) call_links_.push_back(links_);
        if (edge.kind == EdgeKind::leave) leave_links_.push_back(links_);
        ++links_;
    }

    /// `class` lines after every node, outside the subgraphs.
    void classes() {
        for (const auto& [id, name] : classes_) out_ << "  class " << id << ' ' << name << '\n';
    }

    void link_styles() {
        style(safety_links_, "stroke:#cc0000,stroke-width:2px");
        style(interrupt_links_, "stroke:#b45f06");
        style(call_links_, "stroke:#674ea7");
        style(leave_links_, "stroke:#38761d");
    }

private:
    void style(const std::vector<std::size_t>& links, const char* css) {
        if (links.empty()) return;
        out_ << "  linkStyle ";
        for (std::size_t i = 0; i < links.size(); ++i) out_ << (i ? "," : "") << links[i];
        out_ << ' ' << css << '\n';
    }

    std::ostream& out_;
    std::size_t links_ = 0;
    std::vector<std::size_t> safety_links_, interrupt_links_, call_links_, leave_links_;
    std::vector<std::pair<std::string, const char*>> classes_;
};

void mermaid_legend(MermaidWriter& writer, std::ostream& out) {
    out << "  subgraph legend[\"legend\"]\n";
    writer.node({"lg_first", NodeKind::state, "start state", "", "", true}, "    ");
    writer.node({"lg_state", NodeKind::state, "state", "(first words it says)", "", false}, "    ");
    writer.node({"lg_end", NodeKind::end_state, "end state", "", "", false}, "    ");
    writer.node({"lg_other", NodeKind::external, "state of another flow", "", "", false}, "    ");
    writer.node({"lg_int", NodeKind::interrupt, "interrupt", "", "", false}, "    ");
    writer.node({"lg_safety", NodeKind::safety_interrupt, "safety interrupt", "", "", false}, "    ");
    out << "  end\n";
    writer.edge({"lg_first", "lg_state", EdgeKind::rule, "rule: intent, tag, pattern, option, if", false});
    writer.edge({"lg_state", "lg_state", EdgeKind::fallback, "fallback", false});
    writer.edge({"lg_state", "lg_end", EdgeKind::next, "next (at once)", false});
    writer.edge({"lg_first", "lg_other", EdgeKind::call, "call", false});
    writer.edge({"lg_int", "lg_other", EdgeKind::interrupt, "goto / call", false});
    writer.edge({"lg_safety", "lg_other", EdgeKind::interrupt, "call", true});
}

}  // namespace

std::string to_dot(const Graph& graph) {
    std::ostringstream out;
    out << "digraph \"reframe\" {\n"
        << "  graph [label=\"" << escape_dot(graph.title) << "\", labelloc=t, fontname=\"Helvetica\", "
        << "rankdir=TB, newrank=true];\n"
        << "  node [fontname=\"Helvetica\", fontsize=11];\n"
        << "  edge [fontname=\"Helvetica\", fontsize=9];\n";
    for (const auto& flow : graph.flows) {
        out << "  subgraph \"cluster_flow_" << escape_dot(flow) << "\" {\n    label=\"flow " << escape_dot(flow)
            << "\"; style=\"rounded\"; color=\"#999999\";\n";
        for (const auto& node : graph.nodes) {
            if (node.flow == flow) dot_node(out, node, "    ");
        }
        out << "  }\n";
    }
    dot_interrupts(out, graph);
    for (const auto& node : graph.nodes) {
        if (node.kind == NodeKind::external) dot_node(out, node, "  ");
    }
    for (const auto& edge : graph.edges) dot_edge(out, edge);
    if (graph.legend) dot_legend(out);
    out << "}\n";
    return out.str();
}

std::string to_mermaid(const Graph& graph) {
    std::ostringstream out;
    MermaidWriter writer(out);
    out << "---\ntitle: \"" << escape_mermaid(graph.title) << "\"\n---\nflowchart TB\n";
    for (const auto& flow : graph.flows) {
        out << "  subgraph f_" << flow << "[\"flow " << escape_mermaid(flow) << "\"]\n";
        for (const auto& node : graph.nodes) {
            if (node.flow == flow) writer.node(node, "    ");
        }
        out << "  end\n";
    }
    bool interrupts = false;
    for (const auto& node : graph.nodes) {
        if (node.kind != NodeKind::interrupt && node.kind != NodeKind::safety_interrupt) continue;
        if (!interrupts) out << "  subgraph interrupts[\"interrupts: checked first, in every state\"]\n";
        interrupts = true;
        writer.node(node, "    ");
    }
    if (interrupts) out << "  end\n";
    for (const auto& node : graph.nodes) {
        if (node.kind == NodeKind::external) writer.node(node, "  ");
    }
    for (const auto& edge : graph.edges) writer.edge(edge);
    if (graph.legend) mermaid_legend(writer, out);
    writer.classes();
    writer.link_styles();
    out << "  classDef startState stroke-width:3px,stroke:#1f4e79\n"
        << "  classDef startDot fill:#000,color:#fff\n"
        << "  classDef endState fill:#e6e6e6,stroke-width:3px\n"
        << "  classDef external fill:#fff,stroke-dasharray:4 3,color:#444\n"
        << "  classDef interrupt fill:#fff2cc,stroke:#b45f06\n"
        << "  classDef safety fill:#f4cccc,stroke:#cc0000,color:#990000,stroke-width:2px\n"
        << "  classDef terminal fill:#fff,stroke-dasharray:2 2\n";
    return out.str();
}

}  // namespace reframe::graph
