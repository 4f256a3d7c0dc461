// `reframe test`: YAML conversation tests run against a fresh in-memory engine each.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "commands.hpp"
#include "conversation_report.hpp"
#include "conversation_spec.hpp"
#include "setup.hpp"

namespace reframe::cli {
namespace fs = std::filesystem;
namespace {

/// A fixed clock (2026-01-05, a Monday, 09:00 UTC) that `after_days:` moves, so tests of
/// check-ins over several days give the same answer every run.
constexpr std::int64_t test_epoch = 1'767'603'600;

/// Runs one conversation; `reached` collects every "flow.state" entered.
TestOutcome run_one(const ConversationTest& test, const std::string& file, const std::shared_ptr<const FlowSet>& flows,
                    std::set<std::string>& reached) {
    const auto started = std::chrono::steady_clock::now();
    TestOutcome outcome;
    outcome.file = file;
    outcome.name = test.name;
    outcome.line = test.line;
    outcome.step_count = test.steps.size();
    auto store = open_session_store(StoreOptions{":memory:"});
    if (!store) {
        outcome.problem = "cannot open an in-memory store: " + store.error().message;
        return outcome;
    }
    EngineOptions options;
    options.rate_per_minute = 0;  // a scripted conversation is as fast as the machine, not a person
    auto clock = std::make_shared<std::int64_t>(test_epoch);
    options.unix_clock = [clock] { return *clock; };
    Engine engine(flows, std::move(*store), options);  // EngineOptions::seed stays the fixed default
    // Every conversation starts at the first-contact flow (or the entry): reached.
    const Frame start = flows->first_contact.flow.empty() ? Frame{flows->entry_flow, ""} : flows->first_contact;
    if (const Flow* flow = flows->find_flow(start.flow)) reached.insert(flow->id + "." + flow->start);
    for (const auto& step : test.steps) {
        ++outcome.step;
        outcome.step_line = step.line;
        *clock += step.after_days * 86'400;
        auto reply = engine.respond(test.user, step.user);
        if (!reply) {
            outcome.turns.push_back({step.user, Reply{}});
            outcome.problem = reply.error().message;
            break;
        }
        reached.insert(reply->visited.begin(), reply->visited.end());
        reached.insert(reply->state);
        outcome.mismatches = check_step(step.expect, *reply);
        outcome.turns.push_back({step.user, std::move(*reply)});
        if (!outcome.mismatches.empty()) break;
    }
    outcome.passed = outcome.problem.empty() && outcome.mismatches.empty();
    if (outcome.passed) {
        outcome.step = 0;
        outcome.turns.clear();
    }
    outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return outcome;
}

bool is_hidden(const fs::path& name) { return !name.empty() && name.string().front() == '.'; }

/// The YAML files under `dir` that sit in a `tests/` folder (`dir` itself may be one).
void find_tests(const fs::path& dir, std::vector<fs::path>& files, std::error_code& ec) {
    const bool inside =
        dir.filename() == "tests" || (dir.filename().empty() && dir.parent_path().filename() == "tests");
    fs::recursive_directory_iterator it(dir, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        const fs::path& path = it->path();
        if (it->is_directory(ec)) {
            if (is_hidden(path.filename())) it.disable_recursion_pending();
            continue;
        }
        const auto ext = path.extension();
        if (ext != ".yaml" && ext != ".yml") continue;
        bool in_tests = inside;
        for (auto p = path.parent_path(); !in_tests && p != dir && p.has_relative_path(); p = p.parent_path()) {
            in_tests = p.filename() == "tests";
        }
        if (in_tests) files.push_back(path);
    }
}

/// The test files of every PATH; false (after saying why) when a PATH is unusable.
bool test_files(const std::vector<std::string>& paths, std::vector<fs::path>& files, std::ostream& err) {
    for (const auto& p : paths) {
        std::error_code ec;
        if (!fs::exists(p, ec)) {
            err << "reframe test: error: " << p << " does not exist\n";
            return false;
        }
        if (!fs::is_directory(p, ec)) {
            files.emplace_back(p);
            continue;
        }
        const auto before = files.size();
        find_tests(p, files, ec);
        if (ec) {
            err << "reframe test: error: cannot read " << p << ": " << ec.message() << '\n';
            return false;
        }
        if (files.size() == before) {
            err << "reframe test: error: no test files under " << p
                << " (conversation tests are *.yaml files in a `tests/` folder)\n";
            return false;
        }
    }
    std::sort(files.begin(), files.end());
    files.erase(std::unique(files.begin(), files.end()), files.end());
    return true;
}

/// The flows a test file runs against: --flows, else the folder its `tests/` folder is in,
/// else the default.
std::string flows_for(const fs::path& file, const std::string& flows_dir) {
    if (!flows_dir.empty()) return flows_dir;
    for (auto p = file.parent_path(); p.has_relative_path(); p = p.parent_path()) {
        if (p.filename() == "tests") return p.parent_path().empty() ? "." : p.parent_path().string();
    }
    return {};
}

/// One flow set under test and which of its states the tests reached.
struct Target {
    std::shared_ptr<const FlowSet> flows;
    std::set<std::string> reached;
};

/// Prints which states the tests reached; false when under `min_percent`.
bool report_coverage(const std::string& name, const Target& target, double min_percent, std::ostream& out) {
    std::vector<std::string> missed;
    std::size_t total = 0;
    for (const auto& flow : target.flows->flows) {
        for (const auto& state : flow.states) {
            ++total;
            if (!target.reached.contains(flow.id + "." + state.id)) missed.push_back(flow.id + "." + state.id);
        }
    }
    const std::size_t hit = total - missed.size();
    const double percent = total == 0 ? 100.0 : 100.0 * static_cast<double>(hit) / static_cast<double>(total);
    out << "state coverage" << (name.empty() ? "" : " of " + name) << ": " << hit << "/" << total << " ("
        << static_cast<int>(percent) << "%)\n";
    for (const auto& state : missed) out << "  not reached: " << state << '\n';
    return percent + 1e-9 >= min_percent;
}

bool name_matches(const std::string& name, const std::string& filter) {
    if (filter.empty()) return true;
    auto lower = [](std::string s) {
        std::transform(s.begin(), s.end(), s.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return s;
    };
    return lower(name).find(lower(filter)) != std::string::npos;
}

struct Run {
    const TestRunOptions& options;
    std::ostream& out;
    std::ostream& err;
    std::map<std::string, Target> targets;  // by flows folder ("" = the default)
    std::vector<FileOutcome> files;
    int passed = 0;
    int failed = 0;
    bool malformed = false;
    bool unloadable = false;

    void file(const fs::path& path);
    int finish();
};

void Run::file(const fs::path& path) {
    FileOutcome outcome{path.string(), {}, {}};
    auto spec = read_test_file(path);
    if (!spec) {
        for (const auto& d : spec.error()) err << d.to_string() << '\n';
        outcome.problems = std::move(spec.error());
        malformed = true;
        files.push_back(std::move(outcome));
        return;
    }
    const std::string dir = flows_for(path, options.flows_dir);
    auto [it, fresh] = targets.try_emplace(dir);
    if (fresh) it->second.flows = load_flows_or_report(dir, err);
    if (!it->second.flows) {
        unloadable = true;
        return;
    }
    for (const auto& test : spec->tests) {
        if (!name_matches(test.name, options.filter)) continue;
        auto result = run_one(test, path.string(), it->second.flows, it->second.reached);
        if (result.passed) {
            ++passed;
            out << "PASS " << result.name << '\n';
        } else {
            ++failed;
            out << failure_text(result, options.colour);
        }
        outcome.tests.push_back(std::move(result));
    }
    files.push_back(std::move(outcome));
}

int Run::finish() {
    out << passed << " passed, " << failed << " failed" << (malformed ? ", malformed test files (see above)" : "")
        << '\n';
    if (passed + failed == 0 && !malformed && !unloadable) {
        err << "reframe test: error: no test matches --filter '" << options.filter << "'\n";
        return 2;
    }
    if (!options.junit.empty()) {
        std::ofstream junit(options.junit, std::ios::binary | std::ios::trunc);
        junit << junit_xml(files);
        if (!junit.flush()) {
            err << "reframe test: error: cannot write the JUnit report to " << options.junit << '\n';
            return 2;
        }
    }
    bool covered = true;
    if (options.min_coverage) {
        for (const auto& [dir, target] : targets) {
            if (target.flows)
                covered = report_coverage(targets.size() > 1 ? dir : "", target, *options.min_coverage, out) && covered;
        }
    }
    if (malformed) return 2;
    return failed == 0 && !unloadable && covered ? 0 : 1;
}

}  // namespace

int run_conversation_tests(const std::vector<std::string>& paths, const TestRunOptions& options, std::ostream& out,
                           std::ostream& err) {
    std::vector<fs::path> files;
    if (!test_files(paths, files, err)) return 2;
    Run run{options, out, err, {}, {}};
    for (const auto& file : files) run.file(file);
    return run.finish();
}

}  // namespace reframe::cli
