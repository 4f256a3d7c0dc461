#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

using namespace reframe::testing;
using nlohmann::json;

namespace {

const std::string engine_flows = "--flows '" + fixture("engine") + "'";

}  // namespace

TEST_CASE("every subcommand has --help", "[cli]") {
    TempDir dir;
    for (const std::string sub : {"", "console ", "replay ", "classify ", "lint ", "test ", "data ", "data export ",
                                  "data forget ", "data purge "}) {
        auto run = run_reframe(sub + "--help", "", dir);
        INFO(sub);
        CHECK(run.status == 0);
        CHECK(run.out.find("Usage") != std::string::npos);
    }
    auto none = run_reframe("", "", dir);
    CHECK(none.status != 0);
    auto unknown = run_reframe("frobnicate", "", dir);
    CHECK(unknown.status != 0);
}

TEST_CASE("classify --json prints the contract's shape, one line per text", "[cli]") {
    TempDir dir;
    auto run = run_reframe("classify --json " + engine_flows, "i am useless\nthe sun is out\ni want to die\n", dir);
    REQUIRE(run.status == 0);
    const auto lines = run.lines();
    REQUIRE(lines.size() == 3);
    const auto first = json::parse(lines[0]);
    CHECK(first.size() == 6);
    CHECK(first["text"] == "i am useless");
    CHECK(first["self_critical"] == true);
    CHECK(first["traps"] == json::array({"labeling"}));
    CHECK(first["intents"] == json::array({"label"}));
    CHECK(first["crisis"] == false);
    CHECK(first["medical_urgent"] == false);
    CHECK(json::parse(lines[1])["self_critical"] == false);
    CHECK(json::parse(lines[2])["crisis"] == true);
}

TEST_CASE("replay answers every line in order, with interleaved users", "[cli]") {
    TempDir dir;
    const std::string input = R"({"user":"a","text":"i am useless"})"
                              "\n"
                              R"({"user":"b","text":"go deep"})"
                              "\n"
                              R"({"user":"a","text":"yes"})"
                              "\n"
                              R"({"user":"b","text":"i want to die"})"
                              "\n";
    auto run = run_reframe("replay --db :memory: " + engine_flows, input, dir);
    REQUIRE(run.status == 0);
    const auto lines = run.lines();
    REQUIRE(lines.size() == 4);
    const auto turn = json::parse(lines[0]);
    for (const auto* key : {"user", "state", "messages", "options", "intents", "traps", "safety"}) {
        CHECK(turn.contains(key));
    }
    CHECK(turn["messages"][0].contains("text"));
    CHECK(json::parse(lines[1])["state"] == "deep.one");
    CHECK(json::parse(lines[2])["messages"][0]["text"] == "Thank you.");
    CHECK(json::parse(lines[2])["state"] == "main.listen");  // `end: true` rests at the entry
    CHECK(json::parse(lines[2])["safety"].is_null());
    CHECK(json::parse(lines[3])["safety"] == "crisis");
}

TEST_CASE("replay reports bad lines in place and exits non-zero", "[cli]") {
    TempDir dir;
    const std::string input =
        "not json\n{\"user\":\"a\"}\n{\"user\":\"\",\"text\":\"x\"}\n{\"user\":\"a\",\"text\":\"hello\"}\n";
    auto run = run_reframe("replay --db :memory: " + engine_flows, input, dir);
    CHECK(run.status == 1);
    const auto lines = run.lines();
    REQUIRE(lines.size() == 4);
    CHECK(json::parse(lines[0])["line"] == 1);
    CHECK(json::parse(lines[1]).contains("error"));
    CHECK(json::parse(lines[2]).contains("error"));
    CHECK(json::parse(lines[3])["user"] == "a");
    CHECK(run.err.find("line 1") != std::string::npos);
}

TEST_CASE("a conversation resumes in a second process with the same --db", "[cli][store]") {
    TempDir dir;
    const auto db = "--db '" + dir.file("sessions.db").string() + "' ";
    auto first = run_reframe("console --json --user pat " + db + engine_flows, "i am useless\n", dir);
    REQUIRE(first.status == 0);
    CHECK(json::parse(first.lines().at(0))["state"] == "main.humanity");
    auto second = run_reframe("console --json --user pat " + db + engine_flows, "yes\n", dir);
    REQUIRE(second.status == 0);
    const auto resumed = json::parse(second.lines().at(0));
    CHECK(resumed["messages"][0]["text"] == "Thank you.");  // only main.humanity answers "yes" so
}

TEST_CASE("hostile console input gets answers, not crashes", "[cli]") {
    TempDir dir;
    std::string input = "\n   \n";               // empty lines: no turn
    input += std::string(1 << 20, 'x') + "\n";   // a 1 MB line
    input += "i am \xff\xfe useless\n";          // invalid UTF-8
    input += "i am \x01\x02\x1b[2J lazy\x7f\n";  // control characters
    auto run = run_reframe("console --json --db :memory: " + engine_flows, input, dir);
    CHECK(run.status == 0);
    const auto lines = run.lines();
    REQUIRE(lines.size() == 3);
    CHECK(json::parse(lines[0])["error"] == "message_too_long");
    CHECK(json::parse(lines[1])["traps"] == json::array({"labeling"}));
    CHECK(json::parse(lines[2])["state"].is_string());
}

TEST_CASE("broken flow folders are refused with file:line:col and a non-zero exit", "[cli][loader]") {
    TempDir dir;
    const auto db = dir.file("keep.db").string();
    auto good = run_reframe("console --json --user pat --db '" + db + "' " + engine_flows, "go deep\n", dir);
    REQUIRE(good.status == 0);
    for (const std::string broken : {"tabs", "unknown_key", "undefined_state", "bad_regex", "missing_lexicon"}) {
        INFO(broken);
        const auto flows = fixture("broken/" + broken);
        auto run = run_reframe("console --json --user pat --db '" + db + "' --flows '" + flows + "'", "hello\n", dir);
        CHECK(run.status != 0);
        CHECK(run.out.empty());
        CHECK(run.err.find(": error: ") != std::string::npos);
        CHECK(run.err.find(".yaml:") != std::string::npos);
        auto lint = run_reframe("lint '" + flows + "'", "", dir);
        CHECK(lint.status == 1);
    }
    // The database is intact: the session resumes where it was.
    auto again = run_reframe("console --json --user pat --db '" + db + "' " + engine_flows, "back\n", dir);
    REQUIRE(again.status == 0);
    CHECK(json::parse(again.lines().at(0))["state"] == "main.listen");
    auto missing = run_reframe("console --flows /nonexistent/flows", "hi\n", dir);
    CHECK(missing.status != 0);
    CHECK_FALSE(missing.err.empty());
}

TEST_CASE("a database path that cannot be opened is a clear error", "[cli][store]") {
    TempDir dir;
    auto run = run_reframe("console --json --db '" + dir.path().string() + "' " + engine_flows, "hello\n", dir);
    CHECK(run.status != 0);
    CHECK(run.err.find("cannot open the database") != std::string::npos);
}

TEST_CASE("data export, forget and purge answer an operator's requests", "[cli][privacy]") {
    TempDir dir;
    const auto db = "--db '" + dir.file("sessions.db").string() + "' ";
    auto chat = run_reframe("console --json --user ana " + db, "yes keep a transcript\nI am useless today\n", dir);
    REQUIRE(chat.status == 0);

    auto exported = run_reframe("data export --user ana " + db, "", dir);
    REQUIRE(exported.status == 0);
    const auto document = json::parse(exported.out);
    CHECK(document["user"] == "ana");
    CHECK(document["session"]["consent"] == "granted");
    REQUIRE(document["transcript"].size() >= 2);
    CHECK(document["transcript"][0]["text"] == "I am useless today");

    auto refused = run_reframe("data forget --user ana " + db, "", dir);
    CHECK(refused.status == 2);
    CHECK_THAT(refused.err, Catch::Contains("--yes"));
    CHECK(json::parse(run_reframe("data export --user ana " + db, "", dir).out)["session"].is_object());

    auto forgotten = run_reframe("data forget --yes --user ana " + db, "", dir);
    CHECK(forgotten.status == 0);
    CHECK_THAT(forgotten.out, Catch::Contains("erased everything"));
    const auto after = json::parse(run_reframe("data export --user ana " + db, "", dir).out);
    CHECK(after["session"].is_null());
    CHECK(after["transcript"].empty());

    auto purge = run_reframe("data purge " + db, "", dir);
    CHECK(purge.status == 0);
    CHECK_THAT(purge.out, Catch::Contains("older than 30 day(s)"));

    CHECK(run_reframe("data export " + db, "", dir).status != 0);  // --user is required
}

TEST_CASE("the locale option picks the safety resources, and an unknown one is an error", "[cli][privacy][safety]") {
    TempDir dir;
    auto uk = run_reframe("console --json --locale gb --db :memory:", "i want to kill myself\n", dir);
    REQUIRE(uk.status == 0);
    CHECK_THAT(uk.out, Catch::Contains("116 123"));
    auto unknown = run_reframe("console --json --locale xx --db :memory:", "hello\n", dir);
    CHECK(unknown.status == 1);
    CHECK_THAT(unknown.err, Catch::Contains("unknown locale 'xx'"));
    CHECK_THAT(unknown.err, Catch::Contains("gb"));
}

TEST_CASE("test --min-coverage names the states no test reaches and fails below the bar", "[cli][dialogues]") {
    TempDir dir;
    dir.write("t.yaml", "- test: one label\n  steps:\n    - user: \"i am useless\"\n      state: main.humanity\n");
    const std::string tests = "'" + dir.file("t.yaml").string() + "' ";
    auto low = run_reframe("test " + tests + engine_flows + " --min-coverage 100", "", dir);
    CHECK(low.status == 1);
    CHECK_THAT(low.out, Catch::Contains("1 passed, 0 failed"));
    CHECK_THAT(low.out, Catch::Contains("state coverage: "));
    CHECK_THAT(low.out, Catch::Contains("not reached: "));
    CHECK_THAT(low.out, !Catch::Contains("not reached: main.humanity"));
    auto lenient = run_reframe("test " + tests + engine_flows + " --min-coverage 1", "", dir);
    CHECK(lenient.status == 0);
    auto plain = run_reframe("test " + tests + engine_flows, "", dir);
    CHECK(plain.status == 0);
    CHECK_THAT(plain.out, !Catch::Contains("state coverage"));
    CHECK(run_reframe("test " + tests + engine_flows + " --min-coverage 101", "", dir).status != 0);
}
