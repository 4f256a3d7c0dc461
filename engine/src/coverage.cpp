#include "reframe/coverage.hpp"

#include <algorithm>
#include <set>

#include "flow_lint.hpp"
#include "loader_codes.hpp"
#include "yaml_fields.hpp"

namespace reframe {
namespace {

/// `names` in the order of the component vocabulary.
std::vector<std::string> in_order(const std::set<std::string>& names) {
    std::vector<std::string> ordered;
    for (const auto& c : self_compassion_components()) {
        if (names.contains(c)) ordered.push_back(c);
    }
    return ordered;
}

/// Where the conversation goes on by itself from `state`, inside `flow`; nullptr at the end.
const State* step(const Flow& flow, const State& state) {
    const auto inside = [&](const Target& t) -> const State* {
        if (t.kind != Target::Kind::go || t.flow != flow.id) return nullptr;
        return flow.find_state(t.state);
    };
    if (state.end) return nullptr;
    if (state.next) return inside(*state.next);
    if (state.fallback) return inside(state.fallback->target);
    return nullptr;
}

CoveragePath walk(const Flow& flow, const State& first) {
    CoveragePath path;
    path.where = first.where;
    std::set<std::string> offered;
    std::set<std::string> seen{flow.start};
    for (const State* s = &first; s != nullptr && seen.insert(s->id).second; s = step(flow, *s)) {
        path.states.push_back(s->id);
        offered.insert(s->serves.begin(), s->serves.end());
    }
    path.offered = in_order(offered);
    for (const auto& c : flow.serves) {
        if (!offered.contains(c)) path.missing.push_back(c);
    }
    return path;
}

std::vector<CoveragePath> paths_of(const Flow& flow) {
    std::vector<CoveragePath> paths;
    const State* start = flow.find_state(flow.start);
    if (start == nullptr) return paths;
    std::vector<const Transition*> rules;
    for (const auto& rule : start->on) rules.push_back(&rule);
    if (start->fallback) rules.push_back(&*start->fallback);
    std::set<std::string> begun;
    for (const Transition* rule : rules) {
        const Target& t = rule->target;
        if (t.kind != Target::Kind::go || t.flow != flow.id || t.state == flow.start) continue;
        const State* first = flow.find_state(t.state);
        if (first != nullptr && begun.insert(first->id).second) paths.push_back(walk(flow, *first));
    }
    if (paths.empty()) paths.push_back(walk(flow, *start));  // a flow that runs straight through
    return paths;
}

}  // namespace

std::vector<FlowCoverage> coverage_report(const FlowSet& flows) {
    std::vector<FlowCoverage> report;
    for (const auto& flow : flows.flows) {
        FlowCoverage entry;
        entry.flow = flow.id;
        entry.expected = flow.serves;
        entry.where = flow.where;
        std::set<std::string> offered;
        for (const auto& s : flow.states) offered.insert(s.serves.begin(), s.serves.end());
        entry.offered = in_order(offered);
        if (!flow.serves.empty()) entry.paths = paths_of(flow);
        report.push_back(std::move(entry));
    }
    return report;
}

namespace loader_detail {

void warn_component_coverage(LoadState& state) {
    for (const auto& flow : coverage_report(state.set)) {
        for (const auto& path : flow.paths) {
            if (path.missing.empty()) continue;
            state.warning(code::path_misses_component, path.where,
                          "the path of flow '" + flow.flow + "' that starts at '" + path.states.front() +
                              "' never offers " + join(path.missing, " or ") + " (it goes " + join(path.states, " → ") +
                              ")",
                          "add `serves: [" + join(path.missing) +
                              "]` to a state on this path whose words "
                              "really offer it, or write such a line");
        }
    }
}

}  // namespace loader_detail
}  // namespace reframe
