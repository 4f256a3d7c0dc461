// `reframe graph`: which flows to draw, loading the folder they belong to, and output
// (dot, Mermaid, or SVG through Graphviz's `dot`).
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include "authoring.hpp"
#include "flow_graph.hpp"
#include "paths.hpp"
#include "reframe/loader.hpp"

namespace reframe::cli {
namespace fs = std::filesystem;
namespace {

/// The folder a flow file belongs to: the nearest folder above it with a settings.yaml
/// (the root of a flow set), else the file's own folder.
fs::path flow_set_of(const fs::path& file) {
    std::error_code ec;
    const fs::path absolute = fs::weakly_canonical(file, ec);
    for (fs::path dir = absolute.parent_path(); !dir.empty(); dir = dir.parent_path()) {
        if (fs::exists(dir / "settings.yaml", ec)) return dir;
        if (dir == dir.parent_path()) break;
    }
    return absolute.parent_path();
}

bool same_file(const std::string& a, const fs::path& b) {
    std::error_code ec;
    return fs::equivalent(a, b, ec);
}

bool inside(const std::string& file, const fs::path& dir) {
    std::error_code ec;
    const auto f = fs::weakly_canonical(file, ec).string();
    const auto d = fs::weakly_canonical(dir, ec).string();
    return f.size() > d.size() && f.compare(0, d.size(), d) == 0 && f[d.size()] == '/';
}

std::string find_on_path(const std::string& program) {
    const char* path = std::getenv("PATH");
    std::istringstream dirs(path != nullptr ? path : "");
    for (std::string dir; std::getline(dirs, dir, ':');) {
        const fs::path candidate = fs::path{dir.empty() ? "." : dir} / program;
        if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
    }
    return {};
}

/// Runs `dot -Tsvg` on `source`, writing to `output` (a file) or to our stdout.
int run_dot(const std::string& dot, const std::string& source, const std::string& output, std::ostream& out,
            std::ostream& err) {
    char input[] = "/tmp/reframe-graph-XXXXXX";
    const int fd = mkstemp(input);
    if (fd < 0) {
        err << "reframe: error: cannot create a temporary file\n";
        return 1;
    }
    close(fd);
    std::ofstream(input, std::ios::binary) << source;
    out.flush();
    std::fflush(stdout);
    const pid_t pid = fork();
    if (pid == 0) {
        if (output.empty()) {
            execl(dot.c_str(), "dot", "-Tsvg", input, static_cast<char*>(nullptr));
        } else {
            execl(dot.c_str(), "dot", "-Tsvg", input, "-o", output.c_str(), static_cast<char*>(nullptr));
        }
        _exit(127);
    }
    int status = 0;
    if (pid > 0) waitpid(pid, &status, 0);
    fs::remove(input);
    if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        err << "reframe: error: Graphviz `dot` failed to draw the picture\n";
        return 1;
    }
    return 0;
}

struct Selection {
    std::shared_ptr<const FlowSet> flows;
    std::vector<std::string> drawn;
};

std::shared_ptr<const FlowSet> load(const fs::path& dir, std::ostream& err) {
    auto loaded = load_flow_dir(dir);
    if (!loaded) {
        for (const auto& d : loaded.error()) err << d.to_string() << '\n';
        err << "reframe: error: the flows in " << dir.string() << " have errors; fix them first (reframe lint "
            << dir.string() << ")\n";
        return nullptr;
    }
    return loaded->flows;
}

std::optional<Selection> select_by_name(const GraphArgs& args, std::ostream& err) {
    const fs::path dir = args.flows_dir.empty() ? default_flows_dir() : fs::path{args.flows_dir};
    auto flows = load(dir, err);
    if (!flows) return std::nullopt;
    if (flows->find_flow(args.target) != nullptr) return Selection{flows, {args.target}};
    std::vector<std::string> names;
    for (const auto& flow : flows->flows) names.push_back(flow.id);
    const auto close = did_you_mean(args.target, names);
    err << "reframe: error: '" << args.target << "' is neither a file nor a flow of " << dir.string()
        << (close.empty() ? std::string{} : " — did you mean '" + close + "'?") << '\n';
    return std::nullopt;
}

std::optional<Selection> select(const GraphArgs& args, std::ostream& err) {
    std::error_code ec;
    const fs::path target{args.target};
    if (!fs::exists(target, ec)) {
        const bool looks_like_a_path = args.target.find('/') != std::string::npos || target.has_extension();
        if (!looks_like_a_path) return select_by_name(args, err);
        err << "reframe: error: no such file: " << args.target << '\n';
        return std::nullopt;
    }
    const bool folder = fs::is_directory(target, ec);
    const fs::path dir = !args.flows_dir.empty() ? fs::path{args.flows_dir} : folder ? target : flow_set_of(target);
    auto flows = load(dir, err);
    if (!flows) return std::nullopt;
    Selection selection{flows, {}};
    for (const auto& flow : flows->flows) {
        if (folder ? inside(flow.where.file, target) : same_file(flow.where.file, target)) {
            selection.drawn.push_back(flow.id);
        }
    }
    if (selection.drawn.empty()) {
        err << "reframe: error: " << args.target << " defines no flow of " << dir.string()
            << " (give a flow file, a folder of flows, or a flow's name)\n";
        return std::nullopt;
    }
    return selection;
}

}  // namespace

int run_graph(const GraphArgs& args, std::ostream& out, std::ostream& err) {
    if (args.format != "dot" && args.format != "mermaid" && args.format != "svg") {
        err << "reframe: error: unknown format '" << args.format << "' (use dot, mermaid or svg)\n";
        return 1;
    }
    std::string dot_program;
    if (args.format == "svg" && (dot_program = find_on_path("dot")).empty()) {
        err << "reframe: error: Graphviz is not installed: apt-get install graphviz, or use --format dot\n";
        return 1;
    }
    const auto selection = select(args, err);
    if (!selection) return 1;
    graph::GraphOptions options;
    options.interrupts = !args.no_interrupts;
    options.legend = !args.no_legend;
    const auto picture = graph::build_graph(*selection->flows, selection->drawn, options);
    const std::string text = args.format == "mermaid" ? graph::to_mermaid(picture) : graph::to_dot(picture);
    if (args.format == "svg") return run_dot(dot_program, text, args.output, out, err);
    if (args.output.empty()) {
        out << text;
        return 0;
    }
    std::ofstream file(args.output, std::ios::binary);
    file << text;
    if (!file) {
        err << "reframe: error: cannot write " << args.output << '\n';
        return 1;
    }
    return 0;
}

}  // namespace reframe::cli
