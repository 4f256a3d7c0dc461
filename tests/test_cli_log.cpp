// The `reframe` command's log: --log-file and --log-level, checked through the real binary.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "log_leaks.hpp"

using namespace reframe::testing;

TEST_CASE("replay --log-file at trace level holds no word a person wrote", "[privacy][log][cli]") {
    TempDir dir;
    const auto messages = conversation();
    std::string input;
    for (const auto& m : messages) input += nlohmann::json{{"user", m.user}, {"text", m.text}}.dump() + "\n";
    input += R"({"text":"Henrietta Vandersloot forgot her user id"})"
             "\n";
    const auto log_file = dir.file("reframe.log").string();
    auto run = run_reframe("replay --db :memory: --log-file '" + log_file + "' --log-level trace", input, dir);
    CHECK(run.status == 1);  // the line without a user
    const std::string log = slurp(log_file);
    INFO(log);
    CHECK(leaks(log, messages).empty());
    CHECK(leaks(run.err, messages).empty());
    CHECK(log.find("Henrietta") == std::string::npos);
    CHECK(log.find(ana) == std::string::npos);
    CHECK(occurrences(log, " turn user=") == messages.size());
    CHECK(occurrences(log, "safety=crisis") == 1);
    CHECK(occurrences(log, "safety=medical_urgent") == 1);
    CHECK(log.find("intents=self_label traps=labeling") != std::string::npos);
    CHECK(log.find("error=message_too_long") != std::string::npos);
    CHECK(log.find("flows loaded from") != std::string::npos);
    CHECK(log.find("sessions in :memory:") != std::string::npos);
    // stdout is still nothing but the turn lines.
    const auto lines = run.lines();
    REQUIRE(lines.size() == messages.size() + 1);
    for (const auto& line : lines) CHECK(nlohmann::json::accept(line));
}

TEST_CASE("replay writes only warnings to stderr by default", "[log][cli]") {
    TempDir dir;
    auto run = run_reframe("replay --db :memory:",
                           R"({"user":"a","text":"im so useless"})"
                           "\n",
                           dir);
    CHECK(run.status == 0);
    CHECK(run.err.empty());
    CHECK(run.lines().size() == 1);
    auto info = run_reframe("--log-level info replay --db :memory:",
                            R"({"user":"a","text":"im so useless"})"
                            "\n",
                            dir);
    CHECK(info.err.find("info turn user=") != std::string::npos);
    CHECK(info.err.find("useless") == std::string::npos);
}
