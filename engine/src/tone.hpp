#pragma once
// Private: the tone check (RF0911). What the bot says is searched for invalidating or
// blaming phrases ("just", "at least", "calm down", …): a bundled list that a folder's
// `lint/tone.yaml` can extend, trim (`allow:`) or replace. Words are compared after the
// engine's own normalisation, whole words only, within one sentence part. A line that
// quotes such a phrase on purpose is silenced with a `# lint: allow tone` comment on it
// or on the line above (lint_allow.hpp).

#include <filesystem>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "load_context.hpp"

namespace reframe::loader_detail {

/// The bundled phrases, with why each hurts and what to write instead.
const std::vector<TonePhrase>& bundled_tone_phrases();

/// Reads `lint/tone.yaml` into `state.tone` (which starts as the bundled list).
void load_tone_file(const std::filesystem::path& path, LoadState& state);

/// Reports every listed phrase in one text the bot says.
void check_tone(const YAML::Node& scalar, FileContext& ctx);

}  // namespace reframe::loader_detail
