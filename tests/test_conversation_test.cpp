// `reframe test`: reading test files, each kind of expectation passing and failing with
// the diff it prints, the JUnit XML, and the command's exit codes and discovery.
#include <catch2/catch.hpp>

#include "cli_runner.hpp"
#include "conversation_check.hpp"
#include "conversation_report.hpp"
#include "conversation_spec.hpp"

using namespace reframe::cli;
using reframe::Reply;
using reframe::testing::fixture;
using reframe::testing::run_reframe;
using reframe::testing::TempDir;

namespace {

/// The reply to "i am useless" in the engine fixture's flows.
Reply labeling_reply() {
    Reply reply;
    reply.state = "main.humanity";
    reply.messages = {"You said you are useless.", "Many people feel this."};
    reply.options = {"Fine", "Not great"};
    reply.intents = {"label"};
    reply.traps = {"labeling"};
    reply.visited = {"main.label", "main.humanity"};
    return reply;
}

TestOutcome outcome_of(const std::string& file, const std::string& name, int line) {
    TestOutcome outcome;
    outcome.file = file;
    outcome.name = name;
    outcome.line = line;
    return outcome;
}

/// The expectations of one step written in YAML, read as `reframe test` reads them.
StepExpect expect(const std::string& yaml) {
    TempDir dir;
    dir.write("t.yaml", "test: t\nsteps:\n  - user: \"i am useless\"\n" + yaml);
    auto file = read_test_file(dir.file("t.yaml"));
    if (!file) FAIL(file.error().front().to_string());
    return file->tests.at(0).steps.at(0).expect;
}

/// The diff lines for one failing expectation.
std::string diff_of(const std::string& yaml) {
    TestOutcome outcome = outcome_of("t.yaml", "t", 1);
    outcome.step = 1;
    outcome.step_count = 1;
    outcome.step_line = 3;
    outcome.mismatches = check_step(expect(yaml), labeling_reply());
    outcome.turns.push_back({"i am useless", labeling_reply()});
    return failure_text(outcome, false);
}

}  // namespace

TEST_CASE("each kind of expectation passes when the reply meets it", "[conversation_test]") {
    for (const std::string yaml :
         {"    state: main.humanity\n", "    visits: [main.label]\n", "    says: [\"useless\", \"Many people\"]\n",
          "    not_says: \"lazy\"\n", "    matches: \"people (feel|know)\"\n", "    intents: [label]\n",
          "    traps: labeling\n", "    safety: null\n", "    options: [\"Fine\", \"Not great\"]\n",
          "    options_include: \"Fine\"\n", "    reply: [\"You said you are useless.\", \"Many people feel this.\"]\n",
          "    error: null\n"}) {
        INFO(yaml);
        CHECK(check_step(expect(yaml), labeling_reply()).empty());
    }
}

TEST_CASE("each kind of expectation fails with its own diff: expected, then got", "[conversation_test]") {
    using Catch::Contains;
    CHECK_THAT(diff_of("    state: main.label\n"),
               Contains("  state:\n    expected: main.label\n         got: main.humanity"));
    CHECK_THAT(diff_of("    visits: [main.should]\n"),
               Contains("expected: includes [main.should]\n         got: [main.label, main.humanity]"));
    CHECK_THAT(diff_of("    says: \"dishes\"\n"),
               Contains("  says:\n    expected: contains \"dishes\"\n         got: \"You said you are useless.\n"));
    CHECK_THAT(diff_of("    not_says: \"useless\"\n"), Contains("expected: does not contain \"useless\""));
    CHECK_THAT(diff_of("    matches: \"^Hello\"\n"), Contains("  matches:\n    expected: matches /^Hello/"));
    CHECK_THAT(diff_of("    intents: [should]\n"), Contains("expected: includes [should]\n         got: [label]"));
    CHECK_THAT(diff_of("    traps: []\n"), Contains("  traps:\n    expected: none\n         got: [labeling]"));
    CHECK_THAT(diff_of("    safety: crisis\n"), Contains("  safety:\n    expected: crisis\n         got: null"));
    CHECK_THAT(diff_of("    options: [\"Fine\"]\n"),
               Contains("  options:\n    expected: [Fine]\n         got: [Fine, Not great]"));
    CHECK_THAT(diff_of("    options_include: [\"Later\"]\n"), Contains("expected: includes [Later]"));
    CHECK_THAT(diff_of("    reply: [\"Hi.\"]\n"), Contains("  reply:\n    expected: [Hi.]\n         got: [You said"));
    CHECK_THAT(diff_of("    error: message_too_long\n"),
               Contains("  error:\n    expected: message_too_long\n         got: null"));
}

TEST_CASE("a diff names the test, the step and the conversation so far, in colour only when asked",
          "[conversation_test]") {
    TestOutcome outcome = outcome_of("dialogues/tests/x.yaml", "labels get a reframe", 4);
    outcome.step = 2;
    outcome.step_count = 3;
    outcome.step_line = 9;
    outcome.turns = {{"hello", Reply{"", "main.listen", {"How are you?"}, {"Fine"}, {}, {}, "", "", {}, {}}},
                     {"i am useless", labeling_reply()}};
    outcome.mismatches = {{"state", "main.label", "main.humanity"}};
    const auto plain = failure_text(outcome, false);
    CHECK_THAT(plain,
               Catch::StartsWith("FAIL labels get a reframe  (dialogues/tests/x.yaml:4)\n"
                                 "  step 2 of 3 at dialogues/tests/x.yaml:9\n  conversation so far:\n"
                                 "    you: hello\n    bot: How are you?\n         [main.listen; options [Fine]]\n"
                                 "    you: i am useless\n"));
    CHECK(plain.find('\033') == std::string::npos);
    const auto coloured = failure_text(outcome, true);
    CHECK_THAT(coloured, Catch::Contains("\033[31m"));
    CHECK_THAT(coloured, Catch::Contains("\033[32mexpected: main.label"));
}

TEST_CASE("a malformed test file is a file:line:col error with a stable code", "[conversation_test]") {
    TempDir dir;
    const auto errors_of = [&](const std::string& yaml) {
        dir.write("bad.yaml", yaml);
        auto file = read_test_file(dir.file("bad.yaml"));
        REQUIRE_FALSE(file);
        std::string text;
        for (const auto& d : file.error()) text += d.to_string() + "\n";
        return text;
    };
    const std::string at = dir.file("bad.yaml").string() + ":";
    CHECK_THAT(errors_of("test: t\nsteps:\n  - user: hi\n    sayz: hello\n"),
               Catch::Contains(at + "4:5: error: RT0102 unknown key 'sayz' in step 1 — did you mean 'says'?"));
    CHECK_THAT(errors_of("test: t\nsteps:\n  - state: main.listen\n"),
               Catch::Contains(at + "3:5: error: RT0108 step 1 has no `user` message"));
    CHECK_THAT(errors_of("test: t\nsteps: [user: \"a\"\n"), Catch::Contains(": error: RT0103 the YAML cannot be read"));
    CHECK_THAT(errors_of("test: t\n"), Catch::Contains(at + "1:1: error: RT0108 test 't' needs a list of `steps`"));
    CHECK_THAT(errors_of("test: t\nsteps:\n  - user: hi\n    safety: suicide\n"),
               Catch::Contains(at + "4:13: error: RT0111 `safety` should be null or one of: crisis, medical_urgent"));
    CHECK_THAT(errors_of("test: t\nsteps:\n  - user: hi\n    matches: \"(unclosed\"\n"),
               Catch::Contains(at + "4:14: error: RT0111 `matches: (unclosed` is not a valid regex"));
    CHECK_THAT(errors_of("test: t\nsteps:\n  - user: hi\n    after_days: -1\n"),
               Catch::Contains("RT0111 `after_days`"));
    CHECK_THAT(errors_of("test: t\nsteps:\n  - user: [a, b]\n"), Catch::Contains(at + "3:11: error: RT0107"));
    CHECK_THAT(errors_of(""), Catch::Contains("RT0108 this test file holds no test"));
    CHECK_THAT(errors_of("- just a text\n"), Catch::Contains(at + "1:3: error: RT0107 a test should be a mapping"));
    auto missing = read_test_file(dir.file("nowhere.yaml"));
    REQUIRE_FALSE(missing);
    CHECK(missing.error().front().code == "RT0101");
}

TEST_CASE("JUnit XML escapes what it quotes and counts tests, failures and errors", "[conversation_test]") {
    CHECK(xml_escape("a<b & \"c\" 'd' >\x01\n") == "a&lt;b &amp; &quot;c&quot; &apos;d&apos; &gt;?\n");
    TestOutcome pass = outcome_of("t.yaml", "passes", 1);
    pass.passed = true;
    TestOutcome fail = outcome_of("t.yaml", "fails <here> & \"there\"", 5);
    fail.step = 1;
    fail.step_count = 1;
    fail.mismatches = {{"says", "contains \"]]>\"", "\"<b>\""}};
    FileOutcome ok{"t.yaml", {pass, fail}, {}};
    FileOutcome broken{"bad.yaml", {}, {{reframe::Severity::error, "RT0102", {"bad.yaml", 2, 3}, "unknown key", ""}}};
    const auto xml = junit_xml({ok, broken});
    CHECK_THAT(xml, Catch::StartsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"reframe "
                                      "conversation tests\" tests=\"3\" failures=\"1\" errors=\"1\""));
    CHECK_THAT(xml, Catch::Contains("<testcase name=\"passes\" classname=\"t.yaml\" file=\"t.yaml\" line=\"1\""));
    CHECK_THAT(xml, Catch::Contains("name=\"fails &lt;here&gt; &amp; &quot;there&quot;\""));
    CHECK_THAT(xml, Catch::Contains("<failure message=\"step 1: says\" type=\"conversation\">FAIL fails"));
    CHECK_THAT(xml, Catch::Contains("contains &quot;]]&gt;&quot;"));
    CHECK_THAT(xml, Catch::Contains("<error message=\"bad.yaml:2:3: error: RT0102 unknown key\""));
    CHECK(xml.find("<b>") == std::string::npos);
}

TEST_CASE("reframe test: exit 0 when all pass, 1 on a failure with its diff, 2 for a bad file or usage",
          "[conversation_test][cli]") {
    TempDir dir;
    const std::string flows = " --flows '" + fixture("engine") + "'";
    dir.write("ok/tests/a.yaml",
              "- test: a label\n  steps:\n    - user: \"i am useless\"\n      state: main.humanity\n"
              "      traps: [labeling]\n");
    dir.write("fail/tests/b.yaml", "test: a wrong state\nsteps:\n  - user: \"i am useless\"\n    state: main.label\n");
    dir.write("bad/tests/c.yaml", "test: typo\nsteps:\n  - user: hi\n    stat: main.listen\n");
    const auto path = [&](const std::string& name) { return "'" + dir.file(name).string() + "'"; };

    auto ok = run_reframe("test " + path("ok") + flows, "", dir);
    CHECK(ok.status == 0);
    CHECK_THAT(ok.out, Catch::Contains("PASS a label\n1 passed, 0 failed"));

    auto fail = run_reframe("test " + path("ok") + " " + path("fail") + flows, "", dir);
    CHECK(fail.status == 1);
    CHECK_THAT(fail.out, Catch::Contains("FAIL a wrong state"));
    CHECK_THAT(fail.out, Catch::Contains("  state:\n    expected: main.label\n         got: main.humanity"));
    CHECK_THAT(fail.out, Catch::Contains("1 passed, 1 failed"));
    CHECK(fail.out.find('\033') == std::string::npos);  // not a terminal: no colour

    auto bad = run_reframe("test " + path("bad") + flows, "", dir);
    CHECK(bad.status == 2);
    CHECK_THAT(bad.err,
               Catch::Contains("c.yaml:4:5: error: RT0102 unknown key 'stat' in step 1 — did you mean 'state'?"));

    CHECK(run_reframe("test " + path("nowhere") + flows, "", dir).status == 2);
    CHECK(run_reframe("test" + flows, "", dir).status == 2);  // no PATH
    CHECK(run_reframe("test " + path("ok") + flows + " --min-coverage 101", "", dir).status == 2);
    dir.write("plain/x.yaml", "flow: not a test\n");
    auto none = run_reframe("test " + path("plain") + flows, "", dir);
    CHECK(none.status == 2);
    CHECK_THAT(none.err, Catch::Contains("no test files under"));
}

TEST_CASE("reframe test: a folder is searched for tests/ folders, --filter picks tests by name",
          "[conversation_test][cli]") {
    TempDir dir;
    const std::string flows = " --flows '" + fixture("engine") + "'";
    dir.write("project/flows/x.yaml", "flow: x\n");  // not a test: outside every tests/ folder
    dir.write("project/tests/one.yaml",
              "- test: Labels are met\n  steps:\n    - user: \"i am useless\"\n"
              "- test: a greeting\n  steps:\n    - user: hello\n      state: main.listen\n");
    dir.write("project/more/tests/two.yaml", "test: deeper label\nsteps:\n  - user: \"i am useless\"\n");
    const std::string project = "'" + dir.file("project").string() + "'";

    auto all = run_reframe("test " + project + flows, "", dir);
    CHECK(all.status == 0);
    CHECK_THAT(all.out, Catch::Contains("3 passed, 0 failed"));

    auto some = run_reframe("test " + project + flows + " --filter LABEL", "", dir);
    CHECK(some.status == 0);
    CHECK_THAT(some.out, Catch::Contains("PASS deeper label\nPASS Labels are met\n2 passed, 0 failed"));

    auto nothing = run_reframe("test " + project + flows + " --filter nomatch", "", dir);
    CHECK(nothing.status == 2);
    CHECK_THAT(nothing.err, Catch::Contains("no test matches --filter 'nomatch'"));
}

TEST_CASE("reframe test --junit writes the report, and an unwritable report is a usage error",
          "[conversation_test][cli]") {
    TempDir dir;
    const std::string flows = " --flows '" + fixture("engine") + "'";
    dir.write("tests/a.yaml",
              "- test: passes\n  steps:\n    - user: hello\n- test: fails & <tells>\n  steps:\n"
              "    - user: hello\n      says: \"goodbye\"\n");
    const std::string tests = "'" + dir.file("tests").string() + "'";
    auto run = run_reframe("test " + tests + flows + " --junit '" + dir.file("report.xml").string() + "'", "", dir);
    CHECK(run.status == 1);
    const auto xml = reframe::testing::slurp(dir.file("report.xml").string());
    CHECK_THAT(xml, Catch::Contains("tests=\"2\" failures=\"1\" errors=\"0\""));
    CHECK_THAT(xml, Catch::Contains("<testcase name=\"fails &amp; &lt;tells&gt;\""));
    CHECK_THAT(xml, Catch::Contains("expected: contains &quot;goodbye&quot;"));
    // Read back as a CI system would (python3's XML parser), with a malformed file beside it.
    dir.write("tests/b.yaml", "test: typo\nsteps:\n  - user: hi\n    sayz: x\n");
    const auto report = dir.file("report2.xml").string();
    CHECK(run_reframe("test " + tests + flows + " --junit '" + report + "'", "", dir).status == 2);
    const std::string check = "python3 '" + std::string{REFRAME_SOURCE_DIR} + "/tools/check_junit.py' '" + report +
                              "' --min-tests 3 --failures 1 --errors 1 > /dev/null";
    CHECK(std::system(check.c_str()) == 0);
    auto unwritable =
        run_reframe("test " + tests + flows + " --junit '" + dir.file("no/such/dir/r.xml").string() + "'", "", dir);
    CHECK(unwritable.status == 2);
    CHECK_THAT(unwritable.err, Catch::Contains("cannot write the JUnit report"));
}
