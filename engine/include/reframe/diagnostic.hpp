#pragma once
/// Diagnostics: every problem a loader or linter finds, with a stable code and a place.

#include <string>
#include <vector>

namespace reframe {

struct SourceLocation {
    std::string file;
    int line = 0;    // 1-based; 0 when unknown
    int column = 0;  // 1-based; 0 when unknown
};

enum class Severity { error, warning };

/// `file:line:col: error: RF0102 unknown key 'sya' in state — did you mean 'say'?`
struct Diagnostic {
    Severity severity = Severity::error;
    std::string code;  // stable id, e.g. "RF0102"; see docs/diagnostics.md
    SourceLocation where;
    std::string message;  // what is wrong
    std::string hint;     // how to fix it; may be empty

    std::string to_string() const;
};

using Diagnostics = std::vector<Diagnostic>;

bool has_errors(const Diagnostics& diagnostics);

/// The closest candidate to `word` by edit distance, or "" when nothing is close enough.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace reframe
