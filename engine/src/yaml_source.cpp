#include "yaml_source.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>
#include <typeinfo>

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>

#include "loader_codes.hpp"

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

/// yaml-cpp 0.7's LoadAll loops forever, allocating a null document per turn, when a
/// document cannot start at the next token (a stray `,` at the top level: jbeder/yaml-cpp
/// issue #1040, fixed upstream after 0.8). This pass parses the stream once more, without
/// building nodes, and throws a ParserException where a document starts at the same place
/// as the one before it, i.e. where the parser has stopped making progress.
class StuckDocumentGuard final : public YAML::EventHandler {
public:
    void OnDocumentStart(const YAML::Mark& mark) override {
        if (started_ && mark.pos == last_.pos)
            throw YAML::ParserException(mark, "nothing here can start a document (a stray `,`?)");
        started_ = true;
        last_ = mark;
    }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}

private:
    bool started_ = false;
    YAML::Mark last_;
};

void reject_stuck_documents(const std::string& text) {
    std::istringstream in(text);
    YAML::Parser parser(in);
    StuckDocumentGuard guard;
    while (parser.HandleNextDocument(guard)) {
    }
}

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
        reject_stuck_documents(file.text);
        file.documents = YAML::LoadAll(file.text);
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

}  // namespace reframe::loader_detail
