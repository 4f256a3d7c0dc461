#include "lexicon_loader.hpp"

#include <algorithm>
#include <string_view>

#include "loader_codes.hpp"
#include "reframe/text.hpp"
#include "yaml_fields.hpp"

namespace reframe::loader_detail {
namespace {

/// The entry as the matcher sees it: every normalised token, joined by one space.
std::string normalized_entry(std::string_view raw) {
    std::string out;
    for (const auto& clause : normalize(raw).clauses) {
        for (const auto& token : clause.tokens) {
            if (!out.empty()) out += ' ';
            out += token.text;
        }
    }
    return out;
}

/// One line without its comment and surrounding spaces; `column` is where it starts.
std::string_view entry_text(std::string_view line, std::size_t& column) {
    line = line.substr(0, line.find('#'));
    const auto begin = line.find_first_not_of(" \t\r");
    if (begin == std::string_view::npos) return {};
    const auto end = line.find_last_not_of(" \t\r");
    column = begin;
    return line.substr(begin, end - begin + 1);
}

std::vector<std::string> read_entries(const std::string& path, const std::string& text, LoadState& state) {
    std::vector<std::string> entries;
    int line_number = 0;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        ++line_number;
        std::size_t column = 0;
        const std::string_view raw = entry_text(std::string_view(text).substr(start, end - start), column);
        start = end + 1;
        if (raw.empty()) continue;
        std::string entry = normalized_entry(raw);
        if (entry.empty()) {
            state.warning(code::empty_lexicon_entry, {path, line_number, static_cast<int>(column) + 1},
                          "lexicon entry '" + std::string(raw) + "' has no words left after normalising",
                          "write words or phrases; punctuation and symbols alone are ignored");
            continue;
        }
        if (std::find(entries.begin(), entries.end(), entry) == entries.end()) entries.push_back(std::move(entry));
    }
    return entries;
}

}  // namespace

void load_lexicon(const std::filesystem::path& path, LoadState& state) {
    const std::string shown = path.string();
    const std::string name = path.stem().string();
    if (!is_name(name)) {
        state.error(code::bad_name, {shown, 1, 1}, "lexicon name '" + name + "' is not valid",
                    "rename the file using only letters, digits and `_`, e.g. harsh_labels.txt");
        return;
    }
    if (auto first = state.lexicon_where.find(name); first != state.lexicon_where.end()) {
        state.error(code::duplicate_lexicon, {shown, 1, 1},
                    "lexicon '" + name + "' is already defined by " + first->second.file,
                    "lexicon names are shared by the whole folder; rename or merge one of the files");
        return;
    }
    state.lexicon_where[name] = {shown, 1, 1};
    auto text = read_text_file(path, state.diagnostics);
    if (!text) return;
    state.note_source(path, *text);
    state.set.lexicons[name] = Lexicon{name, read_entries(shown, *text, state)};
}

}  // namespace reframe::loader_detail
