#pragma once
// Private: `# lint: allow …` comments. A warning is dropped when its line, or the line
// above it, has such a comment naming its code (`# lint: allow RF0906`) or its short name
// (`# lint: allow tone` for RF0911). Errors are never dropped: they stop a folder loading.

#include <string>

#include "load_context.hpp"

namespace reframe::loader_detail {

/// Notes every `# lint: allow WORD…` comment of one file's text.
void note_allow_comments(const std::string& path, const std::string& text, LoadState& state);

/// Drops the warnings a noted comment allows.
void drop_allowed_warnings(LoadState& state);

}  // namespace reframe::loader_detail
