// RF0906: states from which the conversation can never come to rest.
#include <deque>

#include "flow_lint.hpp"
#include "lint_graph.hpp"
#include "loader_codes.hpp"

namespace reframe::loader_detail {
namespace {

/// A state RF0902 already reports: nothing leads out of it.
bool is_stuck(const Flow& flow, const State& state) {
    return state.on.empty() && !state.fallback && !flow.fallback && !state.next && !state.end;
}

/// Every state from which an ending (or a stuck state, reported on its own) is reachable.
std::vector<bool> can_finish(const FlowGraph& graph) {
    std::vector<std::vector<std::size_t>> in(graph.size());
    std::vector<bool> done(graph.size(), false);
    std::deque<std::size_t> todo;
    for (std::size_t n = 0; n < graph.size(); ++n) {
        for (const auto& edge : graph.edges(n)) in[edge.to].push_back(n);
        if (graph.ends(n) || is_stuck(graph.flow(n), graph.state(n))) {
            done[n] = true;
            todo.push_back(n);
        }
    }
    while (!todo.empty()) {
        const std::size_t n = todo.front();
        todo.pop_front();
        for (const std::size_t from : in[n]) {
            if (done[from]) continue;
            done[from] = true;
            todo.push_back(from);
        }
    }
    return done;
}

}  // namespace

void warn_no_end(LoadState& state) {
    const FlowGraph graph(state.set);
    const auto reachable = graph.reachable();
    const auto finishes = can_finish(graph);
    for (std::size_t n = 0; n < graph.size(); ++n) {
        if (!reachable[n] || finishes[n]) continue;
        const State& s = graph.state(n);
        state.warning(code::no_end_reachable, s.where,
                      "from state '" + s.id + "' of flow '" + graph.flow(n).id +
                          "' the conversation can never end: every way out leads back into the same "
                          "loop, with no `end`, no `return` and no way back to the start",
                      "give one of its rules (or a state it leads to) `end: true`, `return: true`, or a "
                      "`goto` to the entry flow");
    }
}

}  // namespace reframe::loader_detail
