#pragma once
/// Reads a directory of flows, intents, interrupts and lexicons into a checked FlowSet.
///
/// Nothing is loaded when anything is wrong: the result is either a complete FlowSet
/// or every diagnostic found (not just the first).

#include <filesystem>
#include <memory>

#include <tl/expected.hpp>

#include "reframe/diagnostic.hpp"
#include "reframe/flow.hpp"

namespace reframe {

/// What the loaded FlowSet is for.
struct LoadOptions {
    /// False for a set that only gets checked (`reframe lint`): the patterns are checked
    /// exactly as for matching (every diagnostic is the same), but the combined matcher is
    /// not built when an upper bound on its size shows it fits, so the FlowSet cannot match
    /// a message (PatternSet::check()).
    bool build_matcher = true;
};

struct LoadResult {
    std::shared_ptr<const FlowSet> flows;
    Diagnostics warnings;
};

/// Loads every `*.yaml` / `*.yml` under `dir` (recursively; `tests/` folders are
/// conversation tests and are skipped) and the lexicons under `dir/lexicons/*.txt`.
tl::expected<LoadResult, Diagnostics> load_flow_dir(const std::filesystem::path& dir, const LoadOptions& options = {});

/// Loads an explicit list of files (YAML files and lexicon .txt files) as one set.
tl::expected<LoadResult, Diagnostics> load_flow_files(const std::vector<std::filesystem::path>& files,
                                                      const LoadOptions& options = {});

}  // namespace reframe
