// `reframe lint` through the real binary: text and JSON output, the coverage report, exit
// codes, and the walk-through issue 5 asks for (a copy of a bundled flow, broken the ways a
// new author would break it).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

using namespace reframe::testing;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::string bundled_dir = std::string{REFRAME_SOURCE_DIR} + "/dialogues";

/// A copy of the bundled dialogues in `dir`/d, with `breathe.yaml` edited by `edit`.
std::string copy_bundled(const TempDir& dir, const std::function<void(std::string&)>& edit) {
    const fs::path copy = dir.file("d");
    fs::copy(bundled_dir, copy, fs::copy_options::recursive);
    const fs::path breathe = copy / "flows" / "breathe.yaml";
    std::string text = slurp(breathe.string());
    edit(text);
    std::ofstream(breathe, std::ios::binary) << text;
    return copy.string();
}

void replace(std::string& text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
}

bool has_line(const std::string& out, const std::string& pattern) {
    return std::regex_search(out, std::regex(pattern));
}

}  // namespace

TEST_CASE("lint of the bundled dialogues is clean, in text and in JSON", "[cli][lint]") {
    TempDir dir;
    auto text = run_reframe("lint '" + bundled_dir + "'", "", dir);
    CHECK(text.status == 0);
    CHECK(text.out.empty());
    auto doc = run_reframe("lint --format json --strict '" + bundled_dir + "'", "", dir);
    CHECK(doc.status == 0);
    const auto parsed = json::parse(doc.out);
    CHECK(parsed["findings"].empty());
    CHECK(parsed["counts"] == json({{"errors", 0}, {"warnings", 0}}));
}

TEST_CASE("lint exit codes: warnings pass unless --strict, errors fail, usage is 2", "[cli][lint]") {
    TempDir dir;
    const std::string warned = fixture("loader/RF0911");
    auto run = run_reframe("lint '" + warned + "'", "", dir);
    CHECK(run.status == 0);
    CHECK(has_line(run.out, R"(main\.yaml:5:28: warning: RF0911 "just" in what the bot says)"));
    CHECK(run.out.find("0 error(s), 1 warning(s)") != std::string::npos);
    CHECK(run_reframe("lint --strict '" + warned + "'", "", dir).status == 1);
    CHECK(run_reframe("lint '" + fixture("loader/RF0201") + "'", "", dir).status == 1);

    auto missing = run_reframe("lint '" + dir.file("nowhere").string() + "'", "", dir);
    CHECK(missing.status == 2);
    CHECK(missing.err.find("no such file or folder") != std::string::npos);
    CHECK(run_reframe("lint", "", dir).status == 2);
    CHECK(run_reframe("lint --format xml '" + warned + "'", "", dir).status == 2);
}

TEST_CASE("every subcommand exits 2 on a usage error, 0 on --help", "[cli]") {
    TempDir dir;
    for (const std::string sub : {"", "console ", "replay ", "classify ", "lint ", "test ", "data ", "data export ",
                                  "data forget ", "data purge "}) {
        INFO(sub);
        auto bad = run_reframe(sub + "--no-such-flag", "", dir);
        CHECK(bad.status == 2);
        CHECK_FALSE(bad.err.empty());
        CHECK(run_reframe(sub + "--help", "", dir).status == 0);
    }
    CHECK(run_reframe("", "", dir).status == 2);
    CHECK(run_reframe("frobnicate", "", dir).status == 2);
}

TEST_CASE("lint --format json gives every field of every finding, and counts", "[cli][lint]") {
    TempDir dir;
    auto run = run_reframe("lint --format json '" + fixture("loader/RF0102") + "' '" + fixture("loader/RF0908") + "'",
                           "", dir);
    CHECK(run.status == 1);
    const auto doc = json::parse(run.out);
    REQUIRE(doc["findings"].size() >= 2);
    for (const auto& f : doc["findings"]) {
        for (const char* key : {"file", "line", "col", "severity", "code", "message", "hint"}) {
            INFO(key);
            CHECK(f.contains(key));
        }
    }
    const auto& first = doc["findings"][0];
    CHECK(first["code"] == "RF0102");
    CHECK(first["severity"] == "error");
    CHECK(first["line"].is_number_integer());
    CHECK(doc["counts"]["errors"] == 1);
    CHECK(doc["counts"]["warnings"] == 1);
    CHECK(doc["findings"][1]["code"] == "RF0908");
}

TEST_CASE("lint --report shows the components each flow and reframe path offers", "[cli][lint][coverage]") {
    TempDir dir;
    auto text = run_reframe("lint --report '" + bundled_dir + "'", "", dir);
    CHECK(text.status == 0);
    CHECK(has_line(text.out, "flow reframe: offers mindfulness, common_humanity, self_kindness"));
    CHECK(has_line(text.out,
                   "  path reflect_should → humanity_should → kind_should → land → close → rest: "
                   "mindfulness, common_humanity, self_kindness\n"));
    CHECK(has_line(text.out, "flow breathe: offers mindfulness\n"));

    auto doc = run_reframe("lint --report --format json '" + fixture("loader/RF0912") + "'", "", dir);
    CHECK(doc.status == 0);
    const auto parsed = json::parse(doc.out);
    const auto& flow = parsed["coverage"][0]["flows"][0];
    CHECK(flow["flow"] == "main");
    CHECK(flow["paths"][0]["states"] == json::array({"notice", "others"}));
    CHECK(flow["paths"][0]["missing"] == json::array({"self_kindness"}));
    CHECK(parsed["findings"][0]["code"] == "RF0912");
}

TEST_CASE("a new author's mistakes in a copy of a bundled flow are each reported on their line", "[cli][lint]") {
    TempDir dir;
    // Errors first: a typo in a key, an undefined state, and an unkind phrase.
    const auto broken = copy_bundled(dir, [](std::string& text) {
        replace(text, "  close:\n    serves: [mindfulness]\n    say:", "  close:\n    serves: [mindfulness]\n    sya:");
        replace(text, "      - option: 1\n        goto: close", "      - option: 1\n        goto: closing");
        replace(text, "That's fine. We can leave it there.\"\n        goto: menu.after\n      - intent",
                "That's fine. Just leave it there.\"\n        goto: menu.after\n      - intent");
    });
    auto run = run_reframe("lint '" + broken + "'", "", dir);
    INFO(run.out);
    CHECK(run.status == 1);
    CHECK(has_line(run.out, R"(breathe\.yaml:32:5: error: RF0102 unknown key 'sya'.* — did you mean 'say'\?)"));
    CHECK(has_line(run.out,
                   R"(breathe\.yaml:17:15: error: RF0201 .*'closing'.* — name one of its states \(slow, close\))"));
    CHECK(has_line(run.out, R"(breathe\.yaml:22:28: warning: RF0911 "just" .* — instead: )"));

    // Once those are fixed: a state nothing leads to, and a dead end.
    TempDir dir2;
    const auto warned = copy_bundled(dir2, [](std::string& text) {
        text += "\n  forgotten:\n    say: \"Nobody comes here.\"\n    end: true\n";
        replace(text, "    fallback:\n      goto: close\n", "");
        replace(text, "    next: menu.after", "");
    });
    auto second = run_reframe("lint '" + warned + "'", "", dir2);
    INFO(second.out);
    CHECK(second.status == 0);
    CHECK(has_line(second.out, R"(breathe\.yaml:28:3: warning: RF0902 state 'close' .*stuck.* — add rules)"));
    CHECK(has_line(second.out, R"(breathe\.yaml:\d+:3: warning: RF0901 state 'forgotten')"));
}
