#include "load_context.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string_view>
#include <system_error>

#include "pseudonym.hpp"

namespace reframe::loader_detail {
namespace {

/// The key of FlowSet::version's hashes (stored in sessions: never change it).
std::uint64_t version_hash(std::string_view bytes) { return siphash24(0x7265667261, 0x666c6f7773, bytes); }

Diagnostic make(Severity severity, const char* code, SourceLocation where, std::string message, std::string hint) {
    Diagnostic d;
    d.severity = severity;
    d.code = code;
    d.where = std::move(where);
    d.message = std::move(message);
    d.hint = std::move(hint);
    return d;
}

int as_int(std::size_t n) { return static_cast<int>(std::min<std::size_t>(n, 1'000'000'000)); }

}  // namespace

void LoadState::error(const char* code, SourceLocation where, std::string message, std::string hint) {
    diagnostics.push_back(make(Severity::error, code, std::move(where), std::move(message), std::move(hint)));
}

void LoadState::warning(const char* code, SourceLocation where, std::string message, std::string hint) {
    diagnostics.push_back(make(Severity::warning, code, std::move(where), std::move(message), std::move(hint)));
}

void LoadState::note_source(const std::filesystem::path& path, std::string_view bytes) {
    // Names are relative to the folder, so a folder copied elsewhere keeps its version.
    std::error_code ec;
    auto name = std::filesystem::relative(path, source_folder, ec);
    if (ec || name.empty()) name = path.filename();
    std::string named = name.generic_string() + '\0';
    named.append(bytes);
    source_digests += std::to_string(version_hash(named)) + ';';
}

std::string LoadState::version() const {
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(version_hash(source_digests)));
    return hex;
}

SourceLocation FileContext::at(const YAML::Node& node) const {
    const auto mark = node.Mark();
    if (mark.line < 0) return {file_.path, 0, 0};
    return {file_.path, mark.line + 1, mark.column + 1};
}

SourceLocation FileContext::at(const YAML::Node& node, const SourceLocation& fallback) const {
    // yaml-cpp marks an empty value (`say:` with nothing after it) at the next token, which
    // is misleading; the caller's fallback (usually the key) is better.
    if (!node || node.IsNull() || node.Mark().line < 0) return fallback;
    return at(node);
}

SourceLocation FileContext::in_scalar(const YAML::Node& scalar, std::size_t offset) const {
    SourceLocation where = at(scalar);
    const auto pos = scalar.Mark().pos;
    if (pos < 0 || static_cast<std::size_t>(pos) >= file_.text.size()) return where;
    const auto start = static_cast<std::size_t>(pos);
    const char style = file_.text[start];
    const std::string& value = scalar.Scalar();
    if (style == '|' || style == '>') return in_block_scalar(where, start, value, offset);
    const bool quoted = style == '"' || style == '\'';
    // A quoted or plain scalar written over several lines keeps the first line's place.
    if (value.substr(0, std::min(offset, value.size())).find('\n') != std::string::npos) return where;
    where.column += as_int(offset) + (quoted ? 1 : 0);
    return where;
}

SourceLocation FileContext::in_block_scalar(const SourceLocation& indicator_at, std::size_t indicator,
                                            const std::string& value, std::size_t offset) const {
    const std::string_view before(value.data(), std::min(offset, value.size()));
    const auto newlines = static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
    const std::size_t last_newline = before.rfind('\n');
    const std::size_t in_line =
        last_newline == std::string_view::npos ? before.size() : before.size() - last_newline - 1;
    // Content starts on the line after the `|` or `>`; a literal block keeps its line breaks.
    std::size_t p = file_.text.find('\n', indicator);
    for (std::size_t i = 0; i < newlines && p != std::string::npos; ++i) p = file_.text.find('\n', p + 1);
    if (p == std::string::npos) return indicator_at;
    std::size_t indent = 0;
    while (p + 1 + indent < file_.text.size() && file_.text[p + 1 + indent] == ' ') ++indent;
    return {file_.path, indicator_at.line + 1 + as_int(newlines), as_int(indent + in_line) + 1};
}

std::string short_location(const SourceLocation& where) {
    if (where.line <= 0) return where.file;
    return where.file + ":" + std::to_string(where.line);
}

std::string first_at(const SourceLocation& first, const SourceLocation& here) {
    if (first.file == here.file && first.line > 0) return "line " + std::to_string(first.line);
    return short_location(first);
}

}  // namespace reframe::loader_detail
