#include "reframe/diagnostic.hpp"

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

namespace reframe {
namespace {

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

/// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions, so
/// "sya" is one edit from "say"), case-insensitive.
std::size_t edit_distance(const std::string& a, const std::string& b) {
    const std::size_t n = a.size();
    const std::size_t m = b.size();
    // Three rolling rows: the transposition step looks two rows back.
    std::vector<std::size_t> before(m + 1);
    std::vector<std::size_t> last(m + 1);
    std::vector<std::size_t> row(m + 1);
    for (std::size_t j = 0; j <= m; ++j) last[j] = j;
    for (std::size_t i = 1; i <= n; ++i) {
        row[0] = i;
        for (std::size_t j = 1; j <= m; ++j) {
            const bool same = ascii_lower(a[i - 1]) == ascii_lower(b[j - 1]);
            row[j] = std::min({last[j] + 1, row[j - 1] + 1, last[j - 1] + (same ? 0 : 1)});
            if (i > 1 && j > 1 && ascii_lower(a[i - 1]) == ascii_lower(b[j - 2]) &&
                ascii_lower(a[i - 2]) == ascii_lower(b[j - 1])) {
                row[j] = std::min(row[j], before[j - 2] + 1);
            }
        }
        std::swap(before, last);
        std::swap(last, row);
    }
    return last[m];
}

}  // namespace

std::string Diagnostic::to_string() const {
    std::string out;
    if (!where.file.empty() || where.line > 0) {
        out += where.file.empty() ? "<input>" : where.file;
        if (where.line > 0) {
            out += ':' + std::to_string(where.line);
            if (where.column > 0) out += ':' + std::to_string(where.column);
        }
        out += ": ";
    }
    out += severity == Severity::error ? "error: " : "warning: ";
    if (!code.empty()) out += code + ' ';
    out += message;
    if (!hint.empty()) out += " \u2014 " + hint;
    return out;
}

bool has_errors(const Diagnostics& diagnostics) {
    return std::any_of(diagnostics.begin(), diagnostics.end(),
                       [](const Diagnostic& d) { return d.severity == Severity::error; });
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
    // Short words allow one edit, longer ones one per three letters: "reflct" -> "reflect",
    // but "x" suggests nothing far away.
    const std::size_t allowed = std::max<std::size_t>(1, word.size() / 3);
    const std::string* best = nullptr;
    std::size_t best_distance = allowed + 1;
    for (const auto& candidate : candidates) {
        const std::size_t gap =
            candidate.size() > word.size() ? candidate.size() - word.size() : word.size() - candidate.size();
        if (gap > allowed) continue;  // cheap reject before the quadratic distance
        const std::size_t distance = edit_distance(word, candidate);
        if (distance < best_distance) {
            best = &candidate;
            best_distance = distance;
        }
    }
    return best != nullptr ? *best : std::string{};
}

}  // namespace reframe
