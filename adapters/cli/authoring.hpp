#pragma once
/// `reframe graph` and `reframe explain`: the authoring tools that show a therapist a flow
/// as a picture and why a message gets the answer it gets. Each returns the exit code.

#include <ostream>
#include <string>

namespace reframe::cli {

struct GraphArgs {
    std::string target;          ///< a flow file, a folder of flows, or a flow name
    std::string format = "dot";  ///< dot | mermaid | svg
    std::string flows_dir;       ///< the folder to load; empty: found from `target`
    std::string output;          ///< a file; empty: stdout
    bool no_interrupts = false;
    bool no_legend = false;
};

/// Writes the picture; bad input gets the diagnostics or a sentence on `err` and exit 1.
int run_graph(const GraphArgs& args, std::ostream& out, std::ostream& err);

struct ExplainArgs {
    std::string text;
    std::string flows_dir;  ///< empty: the default flows
    std::string state;      ///< "flow.state"; empty: the entry state
    std::string locale;
    bool json = false;
};

/// Explains in words (or one JSON document) how `text` would be answered.
int run_explain(const ExplainArgs& args, std::ostream& out, std::ostream& err);

}  // namespace reframe::cli
