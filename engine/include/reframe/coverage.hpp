#pragma once
/// The self-compassion coverage of a flow set: which of mindfulness, common humanity and
/// self-kindness each flow, and each path through a flow, offers a person.
///
/// States say which components their text serves (`serves: [mindfulness]`); a flow that
/// lists components under its own `serves:` expects every one of its paths to offer them.
/// A path starts at a state the flow's start state leads to and follows the way the
/// conversation goes on by itself: `next:`, else the fallback, while it stays in the flow,
/// until an end, a return to the start, or a state already on the path.

#include <string>
#include <vector>

#include "reframe/diagnostic.hpp"
#include "reframe/flow.hpp"

namespace reframe {

struct CoveragePath {
    std::vector<std::string> states;   ///< in order; the first names the path
    std::vector<std::string> offered;  ///< components, in the vocabulary's order
    std::vector<std::string> missing;  ///< components the flow expects and the path lacks
    SourceLocation where;              ///< the first state
};

struct FlowCoverage {
    std::string flow;
    std::vector<std::string> expected;  ///< the flow's own `serves:`
    std::vector<std::string> offered;   ///< every component some state of the flow serves
    std::vector<CoveragePath> paths;    ///< only for flows with `serves:`
    SourceLocation where;
};

/// One entry per flow, in the set's order.
std::vector<FlowCoverage> coverage_report(const FlowSet& flows);

}  // namespace reframe
