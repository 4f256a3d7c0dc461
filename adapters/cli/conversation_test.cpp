// `reframe test`: YAML conversation tests run against a fresh in-memory engine each.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "commands.hpp"
#include "setup.hpp"

namespace reframe::cli {
namespace fs = std::filesystem;
namespace {

std::vector<std::string> strings_of(const YAML::Node& node) {
    std::vector<std::string> out;
    if (!node || node.IsNull()) return out;
    if (node.IsScalar()) return {node.as<std::string>()};
    for (const auto& item : node) out.push_back(item.as<std::string>());
    return out;
}

std::string all_text(const Reply& reply) {
    std::string text;
    for (const auto& m : reply.messages) text += m + "\n";
    return text;
}

bool contains(const std::vector<std::string>& have, const std::string& want) {
    return std::find(have.begin(), have.end(), want) != have.end();
}

/// Checks one step's expectations; returns the first failure, or "".
std::string check_step(const YAML::Node& step, const Reply& reply) {
    if (auto state = step["state"]; state && state.as<std::string>() != reply.state) {
        return "expected state " + state.as<std::string>() + ", got " + reply.state;
    }
    if (auto safety = step["safety"]) {
        const std::string want = safety.IsNull() ? "" : safety.as<std::string>();
        if (want != reply.safety) return "expected safety '" + want + "', got '" + reply.safety + "'";
    }
    for (const auto& trap : strings_of(step["traps"])) {
        if (!contains(reply.traps, trap)) return "expected trap " + trap;
    }
    for (const auto& intent : strings_of(step["intents"])) {
        if (!contains(reply.intents, intent)) return "expected intent " + intent;
    }
    const auto text = all_text(reply);
    for (const auto& s : strings_of(step["says"])) {
        if (text.find(s) == std::string::npos) return "expected the reply to contain \"" + s + "\", got: " + text;
    }
    for (const auto& s : strings_of(step["not_says"])) {
        if (text.find(s) != std::string::npos) return "the reply must not contain \"" + s + "\", got: " + text;
    }
    if (auto exact = step["reply"]) {
        if (strings_of(exact) != reply.messages) return "the reply differs from the expected one: " + text;
    }
    return {};
}

/// Runs one test; returns "" on success or what failed.
std::string run_one(const YAML::Node& test, const std::shared_ptr<const FlowSet>& flows,
                    std::set<std::string>& reached) {
    auto store = open_session_store(StoreOptions{":memory:"});
    if (!store) return "cannot open an in-memory store: " + store.error().message;
    EngineOptions options;
    options.rate_per_minute = 0;  // a scripted conversation is as fast as the machine, not a person
    // A fixed clock (2026-01-05, a Monday, 09:00 UTC) that `after_days:` moves, so tests of
    // check-ins over several days give the same answer every run.
    auto clock = std::make_shared<std::int64_t>(1'767'603'600);
    options.unix_clock = [clock] { return *clock; };
    Engine engine(flows, std::move(*store), options);
    const std::string user = test["user"] ? test["user"].as<std::string>() : "test-user";
    const auto steps = test["steps"];
    if (!steps || !steps.IsSequence()) return "a test needs a list of `steps`";
    // Every conversation starts at the first-contact flow (or the entry): reached.
    const Frame start = flows->first_contact.flow.empty() ? Frame{flows->entry_flow, ""} : flows->first_contact;
    if (const Flow* flow = flows->find_flow(start.flow)) reached.insert(flow->id + "." + flow->start);
    std::size_t n = 0;
    for (const auto& step : steps) {
        ++n;
        if (!step["user"]) return "step " + std::to_string(n) + ": a step needs a `user` message";
        if (auto days = step["after_days"]) *clock += days.as<std::int64_t>() * 86'400;
        auto reply = engine.respond(user, step["user"].as<std::string>());
        if (!reply) return "step " + std::to_string(n) + ": " + reply.error().message;
        reached.insert(reply->visited.begin(), reply->visited.end());
        reached.insert(reply->state);
        if (auto failure = check_step(step, *reply); !failure.empty()) {
            return "step " + std::to_string(n) + " (\"" + step["user"].as<std::string>() + "\"): " + failure;
        }
    }
    return {};
}

std::vector<fs::path> test_files(const std::vector<std::string>& paths) {
    std::vector<fs::path> files;
    for (const auto& p : paths) {
        std::error_code ec;
        if (!fs::is_directory(p, ec)) {
            files.emplace_back(p);
            continue;
        }
        for (const auto& entry : fs::recursive_directory_iterator(p, ec)) {
            const auto ext = entry.path().extension();
            if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml")) files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

struct Tally {
    int passed = 0;
    int failed = 0;
    std::set<std::string> reached;  // "flow.state" entered by any step
};

/// Prints which states the tests reached; false when under `min_percent`.
bool report_coverage(const FlowSet& flows, const std::set<std::string>& reached, double min_percent,
                     std::ostream& out) {
    std::vector<std::string> missed;
    std::size_t total = 0;
    for (const auto& flow : flows.flows) {
        for (const auto& state : flow.states) {
            ++total;
            if (!reached.contains(flow.id + "." + state.id)) missed.push_back(flow.id + "." + state.id);
        }
    }
    const std::size_t hit = total - missed.size();
    const double percent = total == 0 ? 100.0 : 100.0 * static_cast<double>(hit) / static_cast<double>(total);
    out << "state coverage: " << hit << "/" << total << " (" << static_cast<int>(percent) << "%)\n";
    for (const auto& name : missed) out << "  not reached: " << name << '\n';
    return percent + 1e-9 >= min_percent;
}

void run_file(const fs::path& file, const std::shared_ptr<const FlowSet>& flows, std::ostream& out, Tally& tally) {
    YAML::Node root;
    try {
        root = YAML::LoadFile(file.string());
    } catch (const YAML::Exception& e) {
        out << file.string() << ":" << (e.mark.line + 1) << ":" << (e.mark.column + 1) << ": error: " << e.msg << '\n';
        ++tally.failed;
        return;
    }
    std::vector<YAML::Node> tests;
    if (root.IsSequence()) {
        for (const auto& t : root) tests.push_back(t);
    } else {
        tests.push_back(root);
    }
    for (const auto& test : tests) {
        const std::string name = test["test"] ? test["test"].as<std::string>() : file.filename().string();
        std::string failure;
        try {
            failure = run_one(test, flows, tally.reached);
        } catch (const YAML::Exception& e) {
            failure = std::string{"bad test file: "} + e.what();
        }
        if (failure.empty()) {
            ++tally.passed;
            out << "PASS " << name << '\n';
        } else {
            ++tally.failed;
            out << "FAIL " << name << " (" << file.string() << "): " << failure << '\n';
        }
    }
}

}  // namespace

int run_conversation_tests(const std::vector<std::string>& paths, const std::string& flows_dir, std::ostream& out,
                           std::ostream& err, std::optional<double> min_coverage) {
    auto flows = load_flows_or_report(flows_dir, err);
    if (!flows) return 1;
    const auto files = test_files(paths);
    if (files.empty()) {
        err << "reframe test: error: no test files (*.yaml) found\n";
        return 1;
    }
    Tally tally;
    for (const auto& file : files) run_file(file, flows, out, tally);
    out << tally.passed << " passed, " << tally.failed << " failed\n";
    const bool covered = !min_coverage || report_coverage(*flows, tally.reached, *min_coverage, out);
    return tally.failed == 0 && covered ? 0 : 1;
}

}  // namespace reframe::cli
