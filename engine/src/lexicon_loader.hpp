#pragma once
// Private: reads lexicon files — one word or phrase per line, `#` comments — into the
// FlowSet's lexicon table, each entry normalised like a message.

#include <filesystem>

#include "load_context.hpp"

namespace reframe::loader_detail {

/// Reads `path` as the lexicon named after its file name (`harsh_labels.txt` is
/// `{harsh_labels}`).
void load_lexicon(const std::filesystem::path& path, LoadState& state);

}  // namespace reframe::loader_detail
