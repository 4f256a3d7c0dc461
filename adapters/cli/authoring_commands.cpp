#include "authoring_commands.hpp"

#include <iostream>

namespace reframe::cli {

void add_authoring_commands(CLI::App& app, AuthoringCommands& commands) {
    auto& g = commands.graph_args;
    commands.graph = app.add_subcommand("graph", "Draw flows as a picture (Graphviz dot, Mermaid or SVG)");
    commands.graph->add_option("file", g.target, "A flow file, a folder of flows, or a flow's name")->required();
    commands.graph->add_option("--format", g.format, "dot (default), mermaid, or svg (needs Graphviz's dot)");
    commands.graph->add_option("--flows", g.flows_dir,
                               "Folder of flows to load (default: the flow set FILE belongs to; for a name, "
                               "the bundled dialogues/)");
    commands.graph->add_option("-o,--output", g.output, "Write to this file (default: stdout)");
    commands.graph->add_flag("--no-interrupts", g.no_interrupts, "Leave out the global interrupts");
    commands.graph->add_flag("--no-legend", g.no_legend, "Leave out the legend");

    auto& x = commands.explain_args;
    commands.explain = app.add_subcommand("explain", "Explain why a message gets the answer it gets");
    commands.explain->add_option("text", x.text, "The message, in quotes")->required();
    commands.explain->add_option("--flows", x.flows_dir, "Folder of flows (default: the bundled dialogues/)");
    commands.explain->add_option("--state", x.state,
                                 "The state the message arrives in, as flow.state (default: the entry state)");
    commands.explain->add_option("--locale", x.locale, "Locale of the safety resources (default: the file's default)");
    commands.explain->add_flag("--json", x.json, "Print one JSON document instead of words");
}

std::optional<int> run_authoring_command(const AuthoringCommands& commands) {
    if (commands.graph != nullptr && commands.graph->parsed()) {
        return run_graph(commands.graph_args, std::cout, std::cerr);
    }
    if (commands.explain != nullptr && commands.explain->parsed()) {
        return run_explain(commands.explain_args, std::cout, std::cerr);
    }
    return std::nullopt;
}

}  // namespace reframe::cli
