// --rate-limit: off by default for replay and piped console input (recorded or scripted
// lines come as fast as the machine sends them), and when on, a crisis still gets its answer.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

using namespace reframe::testing;
using nlohmann::json;

namespace {

std::string lines_of(const std::string& user, const std::string& text, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += json{{"user", user}, {"text", text}}.dump() + "\n";
    return out;
}

}  // namespace

TEST_CASE("replay has no rate limit unless asked", "[cli][limits]") {
    TempDir dir;
    auto run = run_reframe("replay --db :memory:", lines_of("u", "hello", 30), dir);
    REQUIRE(run.status == 0);
    const auto lines = run.lines();
    REQUIRE(lines.size() == 30);
    for (const auto& line : lines) CHECK_FALSE(json::parse(line).contains("error"));
}

TEST_CASE("console with piped input has no rate limit unless asked", "[cli][limits]") {
    TempDir dir;
    std::string input;
    for (int i = 0; i < 15; ++i) input += "hello\n";
    auto run = run_reframe("console --json --db :memory:", input, dir);
    REQUIRE(run.status == 0);
    const auto lines = run.lines();
    REQUIRE(lines.size() == 15);
    for (const auto& line : lines) CHECK_FALSE(json::parse(line).contains("error"));
    auto limited = run_reframe("console --json --db :memory: --rate-limit 60", input, dir);
    CHECK(json::parse(limited.lines().at(10))["error"] == "rate_limited");
}

TEST_CASE("replay --rate-limit refuses a flood but answers a crisis", "[cli][limits][safety]") {
    TempDir dir;
    const auto input = lines_of("u", "hello", 12) +
                       lines_of("u", "honestly everyone would be better off without me", 1) + lines_of("v", "hello", 1);
    auto run = run_reframe("replay --db :memory: --rate-limit 1", input, dir);
    REQUIRE(run.status == 0);
    const auto lines = run.lines();
    REQUIRE(lines.size() == 14);
    for (std::size_t i = 0; i < 10; ++i) CHECK_FALSE(json::parse(lines[i]).contains("error"));
    CHECK(json::parse(lines[10])["error"] == "rate_limited");
    CHECK(json::parse(lines[11])["error"] == "rate_limited");
    const auto crisis = json::parse(lines[12]);
    CHECK(crisis["safety"] == "crisis");
    CHECK_FALSE(crisis.contains("error"));
    CHECK_FALSE(json::parse(lines[13]).contains("error"));  // another user is not affected
    CHECK(run_reframe("replay --rate-limit -1", "", dir).status != 0);
}
