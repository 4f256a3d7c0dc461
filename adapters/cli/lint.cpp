// `reframe lint`: every diagnostic of the given folders or files, as text lines or one
// JSON document, and (with --report) the self-compassion coverage of each flow set.
#include <filesystem>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "reframe/coverage.hpp"
#include "reframe/loader.hpp"

namespace reframe::cli {
namespace {

using nlohmann::json;

/// What one path gave: its diagnostics and, when it loaded, its coverage.
struct Checked {
    std::string path;
    Diagnostics diagnostics;
    std::optional<std::vector<FlowCoverage>> coverage;
};

Checked check(const std::string& path) {
    std::error_code ec;
    // Lint never matches a message, so it need not build the matcher (most of its time).
    const LoadOptions options{.build_matcher = false};
    auto loaded = std::filesystem::is_directory(path, ec) ? load_flow_dir(path, options)
                                                          : load_flow_files({std::filesystem::path{path}}, options);
    if (!loaded) return {path, std::move(loaded.error()), std::nullopt};
    return {path, loaded->warnings, coverage_report(*loaded->flows)};
}

std::string join_words(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
    return out.empty() ? "none" : out;
}

void print_coverage(const Checked& checked, std::ostream& out) {
    out << "\nself-compassion coverage of " << checked.path << ":\n";
    if (!checked.coverage) {
        out << "  (not available: fix the errors first)\n";
        return;
    }
    for (const auto& flow : *checked.coverage) {
        out << "flow " << flow.flow << ": offers " << join_words(flow.offered);
        if (!flow.expected.empty()) out << " (every path should offer " << join_words(flow.expected) << ")";
        out << '\n';
        for (const auto& path : flow.paths) {
            std::string states;
            for (const auto& s : path.states) states += (states.empty() ? "" : " → ") + s;
            out << "  path " << states << ": " << join_words(path.offered);
            if (!path.missing.empty()) out << " — missing " << join_words(path.missing);
            out << '\n';
        }
    }
}

json finding_json(const Diagnostic& d) {
    return {{"file", d.where.file},  {"line", d.where.line},
            {"col", d.where.column}, {"severity", d.severity == Severity::error ? "error" : "warning"},
            {"code", d.code},        {"message", d.message},
            {"hint", d.hint}};
}

json coverage_json(const std::vector<FlowCoverage>& coverage) {
    json flows = json::array();
    for (const auto& flow : coverage) {
        json paths = json::array();
        for (const auto& p : flow.paths) {
            paths.push_back({{"states", p.states}, {"offered", p.offered}, {"missing", p.missing}});
        }
        flows.push_back(
            {{"flow", flow.flow}, {"expected", flow.expected}, {"offered", flow.offered}, {"paths", paths}});
    }
    return flows;
}

struct Results {
    std::vector<Checked> checked;
    std::size_t errors = 0;
    std::size_t warnings = 0;
};

void print_json(const Results& results, bool report, std::ostream& out) {
    json doc{{"findings", json::array()}, {"counts", {{"errors", results.errors}, {"warnings", results.warnings}}}};
    for (const auto& r : results.checked) {
        for (const auto& d : r.diagnostics) doc["findings"].push_back(finding_json(d));
    }
    if (report) {
        doc["coverage"] = json::array();
        for (const auto& r : results.checked) {
            doc["coverage"].push_back(
                {{"path", r.path}, {"flows", r.coverage ? coverage_json(*r.coverage) : json(nullptr)}});
        }
    }
    out << doc.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
}

void print_text(const Results& results, bool report, std::ostream& out) {
    for (const auto& r : results.checked) {
        for (const auto& d : r.diagnostics) out << d.to_string() << '\n';
    }
    if (report) {
        for (const auto& r : results.checked) print_coverage(r, out);
    }
    if (results.errors + results.warnings > 0) {
        out << results.errors << " error(s), " << results.warnings << " warning(s)\n";
    }
}

}  // namespace

int run_lint(const LintOptions& options, std::ostream& out, std::ostream& err) {
    for (const auto& path : options.paths) {
        std::error_code ec;
        if (!std::filesystem::exists(path, ec)) {
            err << "reframe lint: error: no such file or folder: " << path << '\n';
            return 2;
        }
    }
    Results results;
    for (const auto& path : options.paths) {
        results.checked.push_back(check(path));
        for (const auto& d : results.checked.back().diagnostics) {
            ++(d.severity == Severity::error ? results.errors : results.warnings);
        }
    }
    if (options.json) {
        print_json(results, options.report, out);
    } else {
        print_text(results, options.report, out);
    }
    return results.errors > 0 || (options.strict && results.warnings > 0) ? 1 : 0;
}

}  // namespace reframe::cli
