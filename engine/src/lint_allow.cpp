#include "lint_allow.hpp"

#include <algorithm>
#include <sstream>
#include <string_view>

#include "loader_codes.hpp"

namespace reframe::loader_detail {
namespace {

constexpr std::string_view marker = "lint: allow";

/// `tone` → RF0911; a code stays itself.
std::string code_for(const std::string& word) { return word == "tone" ? code::unkind_phrase : word; }

bool allowed(const LoadState& state, const Diagnostic& d) {
    if (d.severity != Severity::warning || d.where.line <= 0) return false;
    const auto file = state.allowed.find(d.where.file);
    if (file == state.allowed.end()) return false;
    for (const int line : {d.where.line, d.where.line - 1}) {
        const auto codes = file->second.find(line);
        if (codes == file->second.end()) continue;
        if (std::find(codes->second.begin(), codes->second.end(), d.code) != codes->second.end()) return true;
    }
    return false;
}

}  // namespace

void note_allow_comments(const std::string& path, const std::string& text, LoadState& state) {
    int number = 0;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        ++number;
        const std::string_view line = std::string_view(text).substr(start, end - start);
        start = end + 1;
        const auto hash = line.find('#');
        if (hash == std::string_view::npos) continue;
        const auto at = line.find(marker, hash);
        if (at == std::string_view::npos) continue;
        std::istringstream words{std::string(line.substr(at + marker.size()))};
        for (std::string word; words >> word;) {
            word.erase(std::remove_if(word.begin(), word.end(), [](char c) { return c == ',' || c == ';'; }),
                       word.end());
            if (!word.empty()) state.allowed[path][number].push_back(code_for(word));
        }
    }
}

void drop_allowed_warnings(LoadState& state) {
    if (state.allowed.empty()) return;
    std::erase_if(state.diagnostics, [&](const Diagnostic& d) { return allowed(state, d); });
}

}  // namespace reframe::loader_detail
