#include "yaml_source.hpp"

#include <algorithm>
#include <fstream>
#include <system_error>
#include <typeinfo>
#include <utility>

#include <yaml-cpp/depthguard.h>

#include "loader_codes.hpp"
#include "yaml_documents.hpp"

namespace reframe::loader_detail {
namespace {

Diagnostic make_error(const char* code, SourceLocation where, std::string message, std::string hint) {
    Diagnostic d;
    d.code = code;
    d.where = std::move(where);
    d.message = std::move(message);
    d.hint = std::move(hint);
    return d;
}

SourceLocation mark_location(const std::string& path, const YAML::Mark& mark) {
    if (mark.line < 0) return {path, 0, 0};
    return {path, mark.line + 1, mark.column + 1};
}

/// Walks the parsed tree once, stopping at the first node that is too deep or when the
/// tree (with aliases expanded) grows too large.
class ShapeChecker {
public:
    explicit ShapeChecker(const std::string& path) : path_(path) {}

    std::optional<Diagnostic> check(const YAML::Node& document) {
        visit(document, 0);
        return problem_;
    }

private:
    void visit(const YAML::Node& node, int depth) {
        if (problem_) return;
        if (++count_ > max_node_count) {
            // Where the count runs out says nothing useful; the whole file is the problem.
            problem_ = make_error(code::too_large, {path_, 1, 1},
                                  "this file expands to more than " + std::to_string(max_node_count) +
                                      " values (anchors and aliases repeat their content)",
                                  "write the content out plainly instead of repeating it with aliases");
            return;
        }
        if (depth > max_nesting_depth) {
            problem_ = make_error(
                code::too_deep, mark_location(path_, node.Mark()),
                "lists and mappings are nested more than " + std::to_string(max_nesting_depth) + " levels deep here",
                "check the indentation; a flow never needs this much nesting");
            return;
        }
        if (node.IsMap()) {
            for (const auto& pair : node) {
                visit(pair.first, depth + 1);
                visit(pair.second, depth + 1);
            }
        } else if (node.IsSequence()) {
            for (const auto& item : node) visit(item, depth + 1);
        }
    }

    const std::string& path_;
    std::size_t count_ = 0;
    std::optional<Diagnostic> problem_;
};

struct PlainWords {
    const char* yaml_message;  // how yaml-cpp says it (a prefix)
    const char* message;
    const char* hint;
};

// yaml-cpp's messages name grammar ("sequence flow"); say what a person would see instead.
const PlainWords plain_words[] = {
    {YAML::ErrorMsg::END_OF_SEQ_FLOW, "a `[` is never closed with `]`",
     "close the list with `]`, or put the text in quotes if it starts with `[`"},
    {YAML::ErrorMsg::END_OF_MAP_FLOW, "a `{` is never closed with `}`",
     "put a text that starts with `{` in quotes, e.g. say: \"{feeling} is welcome\""},
    {YAML::ErrorMsg::END_OF_MAP, "the indentation does not line up here",
     "keys of the same mapping must start in the same column"},
    {YAML::ErrorMsg::END_OF_SEQ, "the indentation does not line up here",
     "the `- ` items of one list must start in the same column"},
    {YAML::ErrorMsg::MAP_VALUE, "a `key: value` is not allowed here",
     "check the indentation; a text that contains `: ` must be put in quotes"},
    {YAML::ErrorMsg::BLOCK_ENTRY, "a `- ` list item is not allowed here", "check the indentation of the list"},
    {YAML::ErrorMsg::EOF_IN_SCALAR, "a quoted text is never closed", "end the text with the same quote it starts with"},
    {YAML::ErrorMsg::INVALID_ESCAPE, "unknown `\\` escape in a double-quoted text",
     "use single quotes, or write `\\\\` for a backslash"},
    {YAML::ErrorMsg::UNKNOWN_ANCHOR, "a text starts with `*` or `&`, which YAML reads as an alias",
     "put the text in quotes, e.g. pattern: \"* because *reason\""},
    {YAML::ErrorMsg::ALIAS_NOT_FOUND, "a text starts with `*` or `&`, which YAML reads as an alias",
     "put the text in quotes, e.g. pattern: \"* because *reason\""},
};

Diagnostic parser_error(const std::string& path, const YAML::ParserException& e) {
    if (typeid(e) == typeid(YAML::DeepRecursion)) {
        return make_error(code::too_deep, mark_location(path, e.mark),
                          "lists and mappings are nested far too deeply here",
                          "check the brackets and the indentation");
    }
    for (const auto& words : plain_words) {
        if (e.msg.starts_with(words.yaml_message)) {
            return make_error(code::yaml_syntax, mark_location(path, e.mark), words.message, words.hint);
        }
    }
    return make_error(code::yaml_syntax, mark_location(path, e.mark), "the YAML cannot be read: " + e.msg,
                      "check the indentation, the `key: value` colons, and that quotes and "
                      "brackets are closed");
}

}  // namespace

std::optional<std::string> read_text_file(const std::filesystem::path& path, Diagnostics& out) {
    const std::string shown = path.string();
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) {
        out.push_back(make_error(code::cannot_read, {shown, 0, 0}, "cannot read this file: " + ec.message(),
                                 "check that the path is right and the file is readable"));
        return std::nullopt;
    }
    if (size > max_file_bytes) {
        out.push_back(make_error(code::too_large, {shown, 1, 1},
                                 "this file is " + std::to_string(size) + " bytes; the limit is " +
                                     std::to_string(max_file_bytes) + " (1 MiB)",
                                 "split it into several smaller files"));
        return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    std::string text(static_cast<std::size_t>(size), '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(std::max<std::streamsize>(in.gcount(), 0)));
    if (!in.is_open() || in.bad()) {
        out.push_back(
            make_error(code::cannot_read, {shown, 0, 0}, "cannot read this file", "check that the file is readable"));
        return std::nullopt;
    }
    return text;
}

bool check_tabs(const std::string& path, const std::string& text, Diagnostics& out) {
    bool clean = true;
    int line = 1;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::size_t i = start;
        while (i < end && (text[i] == ' ' || text[i] == '\t')) ++i;
        const std::size_t tab = text.find('\t', start);
        const bool has_content = i < end && text[i] != '#' && text[i] != '\r';
        if (tab != std::string::npos && tab < i && has_content) {
            clean = false;
            out.push_back(make_error(code::tab_indent, {path, line, static_cast<int>(tab - start) + 1},
                                     "a tab is used for indentation on this line",
                                     "indent with spaces, not tabs (most editors can convert tabs "
                                     "to spaces)"));
        }
        start = end + 1;
        ++line;
    }
    return clean;
}

std::optional<YamlFile> read_yaml_file(const std::filesystem::path& path, Diagnostics& out) {
    auto text = read_text_file(path, out);
    if (!text) return std::nullopt;
    YamlFile file{path.string(), std::move(*text), {}};
    if (!check_tabs(file.path, file.text, out)) return std::nullopt;
    try {
        file.documents = load_all_documents(file.text);  // never YAML::LoadAll: it can hang
    } catch (const YAML::ParserException& e) {
        out.push_back(parser_error(file.path, e));
        return std::nullopt;
    } catch (const YAML::Exception& e) {
        out.push_back(
            make_error(code::yaml_syntax, mark_location(file.path, e.mark), "the YAML cannot be read: " + e.msg, ""));
        return std::nullopt;
    }
    ShapeChecker shape(file.path);
    for (const auto& document : file.documents) {
        if (auto problem = shape.check(document)) {
            out.push_back(std::move(*problem));
            return std::nullopt;
        }
    }
    return file;
}

YamlFiles::YamlFiles(std::vector<std::filesystem::path> paths)
    : paths_(std::move(paths)), results_(paths_.size()), failures_(paths_.size()), done_(paths_.size(), false) {
    // One helper: the caller is the other worker, and a flow folder is small.
    const unsigned cores = std::thread::hardware_concurrency();
    if (paths_.size() < 2 || cores < 2) return;
    helpers_.emplace_back([this](const std::stop_token& stop) {
        for (std::size_t i = next_++; i < paths_.size() && !stop.stop_requested(); i = next_++) parse(i);
    });
}

YamlFiles::~YamlFiles() {
    for (auto& helper : helpers_) helper.request_stop();
    helpers_.clear();  // joins
}

void YamlFiles::parse(std::size_t i) {
    try {
        results_[i].file = read_yaml_file(paths_[i], results_[i].diagnostics);
    } catch (...) {  // std::bad_alloc: rethrown by take()
        failures_[i] = std::current_exception();
    }
    {
        const std::lock_guard lock(mutex_);
        done_[i] = true;
    }
    finished_.notify_all();
}

bool YamlFiles::done(std::size_t i) {
    const std::lock_guard lock(mutex_);
    return done_[i];
}

ReadYaml YamlFiles::take(std::size_t i) {
    // Rather than wait for a helper, parse the next unclaimed file (it may be this one).
    while (!done(i)) {
        const std::size_t claimed = next_++;
        if (claimed < paths_.size()) {
            parse(claimed);
            continue;
        }
        std::unique_lock lock(mutex_);
        finished_.wait(lock, [&] { return done_[i]; });
    }
    if (failures_[i]) std::rethrow_exception(failures_[i]);
    return std::move(results_[i]);
}

}  // namespace reframe::loader_detail
