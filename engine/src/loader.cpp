#include "reframe/loader.hpp"

#include <algorithm>
#include <iterator>
#include <optional>
#include <system_error>
#include <tuple>

#include "document_parser.hpp"
#include "flow_lint.hpp"
#include "flow_validator.hpp"
#include "flow_warnings.hpp"
#include "lexicon_loader.hpp"
#include "lint_allow.hpp"
#include "load_context.hpp"
#include "loader_codes.hpp"
#include "pattern_source.hpp"
#include "target_resolver.hpp"
#include "tone.hpp"
#include "yaml_source.hpp"

namespace reframe {
namespace {

namespace fs = std::filesystem;
using loader_detail::LoadState;

struct SourceFiles {
    std::vector<fs::path> yaml;
    std::vector<fs::path> lexicons;
    std::optional<fs::path> tone;  // lint/tone.yaml
};

/// The folder of lint settings (the tone list): read by the linter, not a flow.
constexpr const char* lint_folder = "lint";

bool is_yaml(const fs::path& path) { return path.extension() == ".yaml" || path.extension() == ".yml"; }

/// `tests/` folders hold conversation tests, `lint/` the tone list; hidden folders (.git)
/// hold nothing of ours.
bool is_skipped_folder(const fs::path& name) {
    const std::string text = name.string();
    return text == "tests" || text == lint_folder || (!text.empty() && text.front() == '.');
}

void report_unreadable(LoadState& state, const fs::path& path, const std::string& why) {
    state.error(loader_detail::code::cannot_read, {path.string(), 0, 0}, "cannot read " + why,
                "check that the path is right and readable");
}

SourceFiles list_folder(const fs::path& dir, LoadState& state) {
    SourceFiles files;
    std::error_code ec;
    fs::recursive_directory_iterator it(dir, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        const fs::path& path = it->path();
        if (it->is_directory(ec)) {
            if (is_skipped_folder(path.filename())) it.disable_recursion_pending();
        } else if (is_yaml(path)) {
            files.yaml.push_back(path);
        } else if (path.extension() == ".txt" && it.depth() == 1 && path.parent_path().filename() == "lexicons") {
            files.lexicons.push_back(path);
        }
    }
    if (ec) report_unreadable(state, dir, "this folder: " + ec.message());
    if (const fs::path tone = dir / lint_folder / "tone.yaml"; fs::is_regular_file(tone, ec)) files.tone = tone;
    std::sort(files.yaml.begin(), files.yaml.end());
    std::sort(files.lexicons.begin(), files.lexicons.end());
    return files;
}

void sort_diagnostics(Diagnostics& diagnostics) {
    std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
        return std::tie(a.where.file, a.where.line, a.where.column) <
               std::tie(b.where.file, b.where.line, b.where.column);
    });
}

/// False when the file could not be parsed at all.
bool read_yaml(loader_detail::ReadYaml& read, LoadState& state) {
    state.diagnostics.insert(state.diagnostics.end(), std::make_move_iterator(read.diagnostics.begin()),
                             std::make_move_iterator(read.diagnostics.end()));
    if (!read.file) return false;
    const loader_detail::YamlFile& file = *read.file;
    state.note_source(file.path, file.text);
    loader_detail::note_allow_comments(file.path, file.text, state);
    loader_detail::FileContext ctx(file, state);
    for (const auto& document : file.documents) loader_detail::parse_document(document, ctx);
    return true;
}

/// Lexicons first: patterns name them. Then every file, then the checks that need all.
tl::expected<LoadResult, Diagnostics> load(const SourceFiles& files, LoadState& state) {
    std::error_code ec;
    const fs::path origin = state.origin;
    state.source_folder = fs::is_directory(origin, ec) ? origin : origin.parent_path();
    state.tone = loader_detail::bundled_tone_phrases();
    if (files.tone) loader_detail::load_tone_file(*files.tone, state);
    for (const auto& path : files.lexicons) loader_detail::load_lexicon(path, state);
    bool all_read = true;
    // Parsed ahead on a second thread, but read in order, so diagnostics and ids never
    // depend on which thread finished first.
    loader_detail::YamlFiles parsed(files.yaml);
    for (std::size_t i = 0; i < parsed.size(); ++i) {
        auto read = parsed.take(i);
        all_read = read_yaml(read, state) && all_read;
    }
    loader_detail::compile_patterns(state);
    // A file that could not be parsed may define what the others refer to: checking
    // references now would report names that are not really missing.
    if (all_read) {
        loader_detail::resolve_targets(state);
        loader_detail::check_references(state);
    }
    loader_detail::order_interrupts(state);
    // Dead-end warnings on a folder with errors would mostly echo those errors.
    if (!has_errors(state.diagnostics)) {
        loader_detail::warn_dead_ends(state);
        loader_detail::warn_no_end(state);
        loader_detail::warn_maybe_unset(state);
        loader_detail::warn_shadowed_rules(state);
        loader_detail::warn_component_coverage(state);
    }
    loader_detail::drop_allowed_warnings(state);
    sort_diagnostics(state.diagnostics);
    if (has_errors(state.diagnostics)) return tl::make_unexpected(std::move(state.diagnostics));
    index_intents(state.set);
    state.set.version = state.version();
    LoadResult result;
    result.flows = std::make_shared<const FlowSet>(std::move(state.set));
    result.warnings = std::move(state.diagnostics);
    return result;
}

}  // namespace

tl::expected<LoadResult, Diagnostics> load_flow_dir(const std::filesystem::path& dir, const LoadOptions& options) {
    LoadState state;
    state.origin = dir.string();
    state.build_matcher = options.build_matcher;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        report_unreadable(
            state, dir, fs::exists(dir, ec) ? "this path as a folder: it is a file" : "this folder: it does not exist");
        return tl::make_unexpected(std::move(state.diagnostics));
    }
    const SourceFiles files = list_folder(dir, state);
    if (files.yaml.empty() && !has_errors(state.diagnostics)) {
        report_unreadable(state, dir, "any flows: there is no .yaml file in this folder");
    }
    if (has_errors(state.diagnostics)) return tl::make_unexpected(std::move(state.diagnostics));
    return load(files, state);
}

tl::expected<LoadResult, Diagnostics> load_flow_files(const std::vector<std::filesystem::path>& paths,
                                                      const LoadOptions& options) {
    LoadState state;
    state.origin = paths.empty() ? std::string() : paths.front().string();
    state.build_matcher = options.build_matcher;
    SourceFiles files;
    for (const auto& path : paths) {
        if (is_yaml(path)) {
            files.yaml.push_back(path);
        } else if (path.extension() == ".txt") {
            files.lexicons.push_back(path);
        } else {
            report_unreadable(state, path, "this file: only .yaml/.yml flow files and .txt lexicons are read");
        }
    }
    if (files.yaml.empty() && !has_errors(state.diagnostics)) {
        report_unreadable(state, state.origin, "any flows: no .yaml file was given");
    }
    if (has_errors(state.diagnostics)) return tl::make_unexpected(std::move(state.diagnostics));
    return load(files, state);
}

}  // namespace reframe
