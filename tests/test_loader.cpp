#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "condition_parser.hpp"
#include "reframe/loader.hpp"
#include "reframe/text.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using reframe::Diagnostic;
using reframe::Diagnostics;
using reframe::Severity;
using reframe::Target;

namespace {

const fs::path fixtures = fs::path(REFRAME_TEST_DATA) / "fixtures" / "loader";

std::string read_all(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) lines.push_back(line);
    }
    return lines;
}

/// Every diagnostic, whether the set loaded (warnings) or not (errors and warnings).
Diagnostics all_diagnostics(const tl::expected<reframe::LoadResult, Diagnostics>& result) {
    return result ? result->warnings : result.error();
}

/// A fixture folder is loaded as a folder, unless its file `load_files` lists the files
/// to load one by one.
tl::expected<reframe::LoadResult, Diagnostics> load_fixture(const fs::path& dir,
                                                            const reframe::LoadOptions& options = {}) {
    if (!fs::exists(dir / "load_files")) return reframe::load_flow_dir(dir, options);
    std::vector<fs::path> files;
    for (const auto& name : lines_of(read_all(dir / "load_files"))) files.push_back(dir / name);
    return reframe::load_flow_files(files, options);
}

std::string render(const Diagnostics& diagnostics) {
    std::string out;
    for (const auto& d : diagnostics) out += d.to_string() + "\n";
    return out;
}

/// Every field of every diagnostic, hints included.
std::string render_fully(const Diagnostics& diagnostics) {
    std::string out;
    for (const auto& d : diagnostics) {
        out += d.to_string() + " | " + d.code + " | " + std::to_string(static_cast<int>(d.severity)) + " | " + d.hint +
               "\n";
    }
    return out;
}

struct DocumentedCode {
    std::string code;
    Severity severity;
};

/// The rows of the table in docs/diagnostics.md: `| RF0102 | error | … |`.
std::vector<DocumentedCode> documented_codes() {
    const std::string doc = read_all(fs::path(REFRAME_SOURCE_DIR) / "docs" / "diagnostics.md");
    const std::regex row(R"(^\|\s*(RF\d{4})\s*\|\s*(error|warning)\s*\|)");
    std::vector<DocumentedCode> codes;
    for (const auto& line : lines_of(doc)) {
        std::smatch m;
        if (!std::regex_search(line, m, row)) continue;
        codes.push_back({m[1].str(), m[2].str() == "error" ? Severity::error : Severity::warning});
    }
    return codes;
}

/// `RF0102 main.yaml:5:5` — the code and where it must be reported, relative to the fixture.
struct ExpectedPlace {
    std::string code;
    fs::path file;
    int line = 0;
    int column = 0;
};

ExpectedPlace read_expected(const fs::path& dir) {
    const auto lines = lines_of(read_all(dir / "expected"));
    REQUIRE(lines.size() == 1);
    const std::regex form(R"(^(RF\d{4}) (.+):(\d+):(\d+)$)");
    std::smatch m;
    REQUIRE(std::regex_match(lines.front(), m, form));
    return {m[1].str(), dir / m[2].str(), std::stoi(m[3].str()), std::stoi(m[4].str())};
}

bool same_place(const Diagnostic& d, const ExpectedPlace& expected) {
    std::error_code ec;
    return fs::equivalent(d.where.file, expected.file, ec) && d.where.line == expected.line &&
           d.where.column == expected.column;
}

bool has_code(const Diagnostics& diagnostics, const std::string& code) {
    return std::any_of(diagnostics.begin(), diagnostics.end(), [&](const Diagnostic& d) { return d.code == code; });
}

const Diagnostic* find_code(const Diagnostics& diagnostics, const std::string& code) {
    const auto it =
        std::find_if(diagnostics.begin(), diagnostics.end(), [&](const Diagnostic& d) { return d.code == code; });
    return it == diagnostics.end() ? nullptr : &*it;
}

using TempFolder = reframe::testing::TempDir;

const char* const settings = "settings:\n  entry: main\n";

}  // namespace

TEST_CASE("every documented code has a fixture that produces exactly it, at its place", "[loader]") {
    const auto codes = documented_codes();
    REQUIRE(codes.size() >= 30);
    for (const auto& documented : codes) {
        const fs::path dir = fixtures / documented.code;
        INFO("fixture " << dir.string());
        REQUIRE(fs::is_directory(dir));
        const ExpectedPlace expected = read_expected(dir);
        CHECK(expected.code == documented.code);
        const auto result = load_fixture(dir);
        const Diagnostics diagnostics = all_diagnostics(result);
        INFO(render(diagnostics));
        CHECK(result.has_value() == (documented.severity == Severity::warning));
        REQUIRE_FALSE(diagnostics.empty());
        for (const auto& d : diagnostics) {
            CHECK(d.code == documented.code);
            CHECK(d.severity == documented.severity);
            CHECK_FALSE(d.message.empty());
            CHECK_FALSE(d.hint.empty());
        }
        CHECK(std::any_of(diagnostics.begin(), diagnostics.end(),
                          [&](const Diagnostic& d) { return same_place(d, expected); }));
    }
}

TEST_CASE("loading for lint reports exactly what a full load does, on every fixture and the dialogues",
          "[loader][lint]") {
    std::vector<fs::path> dirs;
    for (const auto& entry : fs::directory_iterator(fixtures)) {
        if (entry.is_directory()) dirs.push_back(entry.path());
    }
    std::sort(dirs.begin(), dirs.end());
    dirs.push_back(fs::path(REFRAME_SOURCE_DIR) / "dialogues");
    const reframe::LoadOptions lint{.build_matcher = false};
    for (const auto& dir : dirs) {
        INFO(dir.string());
        const auto full = load_fixture(dir);
        const auto checked = load_fixture(dir, lint);
        CHECK(full.has_value() == checked.has_value());
        CHECK(render_fully(all_diagnostics(full)) == render_fully(all_diagnostics(checked)));
    }
}

TEST_CASE("a flow set loaded for lint cannot match a message", "[loader][lint]") {
    const auto loaded = reframe::load_flow_dir(fs::path(REFRAME_SOURCE_DIR) / "dialogues", {.build_matcher = false});
    REQUIRE(loaded);
    CHECK_THROWS_AS(loaded->flows->patterns.match(reframe::normalize("i am so lazy")), std::logic_error);
}

TEST_CASE("every fixture folder is documented", "[loader]") {
    const auto codes = documented_codes();
    for (const auto& entry : fs::directory_iterator(fixtures)) {
        const std::string name = entry.path().filename().string();
        if (!name.starts_with("RF")) continue;
        INFO(name);
        CHECK(std::any_of(codes.begin(), codes.end(), [&](const DocumentedCode& c) { return c.code == name; }));
    }
}

TEST_CASE("a good folder loads into the expected model", "[loader]") {
    const auto result = reframe::load_flow_dir(fixtures / "good");
    INFO((result ? render(result->warnings) : render(result.error())));
    REQUIRE(result.has_value());
    CHECK(result->warnings.empty());
    const reframe::FlowSet& set = *result->flows;

    CHECK(set.entry_flow == "main");
    REQUIRE(set.global_fallback.size() == 2);
    CHECK(set.global_fallback[1].source() == "Could you say a little more?");

    const reframe::Flow* main = set.find_flow("main");
    REQUIRE(main != nullptr);
    CHECK(main->description == "The entry flow.");
    CHECK(main->start == "ask");
    CHECK(main->vars.at("step") == "1");
    const reframe::State* ask = main->find_state("ask");
    REQUIRE(ask != nullptr);
    REQUIRE(ask->say.size() == 2);
    CHECK(ask->say[0].size() == 1);
    CHECK(ask->say[1].size() == 2);
    CHECK(ask->say[1][1].source() == "What do you notice in your body?");
    REQUIRE(ask->options.size() == 3);
    REQUIRE(ask->on.size() == 5);

    SECTION("targets are resolved, options are 0-based") {
        CHECK(ask->on[0].target.kind == Target::Kind::go);
        CHECK(ask->on[0].target.flow == "main");
        CHECK(ask->on[0].target.state == "thanks");
        REQUIRE(ask->on[1].option.has_value());
        CHECK(*ask->on[1].option == 1);
        REQUIRE(ask->on[1].set.size() == 1);
        CHECK(ask->on[1].set[0].var == "feeling");
        CHECK(ask->on[2].target.kind == Target::Kind::call);
        CHECK(ask->on[2].target.flow == "helper");
        CHECK(ask->on[2].target.state == "intro");
        CHECK(ask->on[2].target.then_state == "thanks");
        CHECK(ask->on[3].target.flow == "helper");
        CHECK(ask->on[3].target.state == "info");
        CHECK(ask->on[4].target.kind == Target::Kind::stay);
        CHECK(ask->on[4].target.flow == "main");
        CHECK(ask->on[4].intents == std::vector<std::string>{"ask_help"});
        REQUIRE(ask->fallback.has_value());
        CHECK(ask->fallback->always);
        CHECK(ask->on[0].label == "pattern \"i feel *feeling\" -> main.thanks");

        const reframe::State* thanks = main->find_state("thanks");
        REQUIRE(thanks != nullptr);
        REQUIRE(thanks->next.has_value());
        CHECK(thanks->next->flow == "main");
        CHECK(thanks->next->state == "done");
        CHECK(main->find_state("done")->end);

        const reframe::Flow* helper = set.find_flow("helper");
        REQUIRE(helper != nullptr);
        const reframe::State* info = helper->find_state("info");
        REQUIRE(info != nullptr);
        // A bare flow name goes to that flow's start.
        CHECK(info->on[0].target.flow == "main");
        CHECK(info->on[0].target.state == "ask");
        CHECK(helper->find_state("intro")->on[0].target.kind == Target::Kind::ret);
    }

    SECTION("conditions are parsed") {
        const auto& conditions = ask->on[3].conditions;
        REQUIRE(conditions.size() == 3);
        CHECK(conditions[0].var == "step");
        CHECK(conditions[0].op == reframe::Condition::Op::eq);
        CHECK(conditions[0].value == "2");
        CHECK(conditions[1].op == reframe::Condition::Op::is_unset);
        CHECK(conditions[2].op == reframe::Condition::Op::ne);
        CHECK(conditions[2].value == "sore");
    }

    SECTION("interrupts are sorted: safety first, then by priority") {
        REQUIRE(set.interrupts.size() == 4);
        CHECK(set.interrupts[0].id == "crisis");
        CHECK(set.interrupts[0].safety == "crisis");
        CHECK(set.interrupts[1].id == "urgent");
        CHECK(set.interrupts[1].safety == "medical_urgent");
        CHECK(set.interrupts[2].id == "stop");
        CHECK(set.interrupts[3].id == "help");
        CHECK(set.interrupts[1].rule.target.flow == "helper");
        CHECK(set.interrupts[1].rule.target.state == "info");
        CHECK(set.interrupts[3].rule.target.state == "intro");
    }

    SECTION("intents and lexicons") {
        const reframe::Intent* label = set.find_intent("self_label");
        REQUIRE(label != nullptr);
        CHECK(label->tags == std::vector<std::string>{"self_critical", "labeling"});
        CHECK(label->patterns.size() == 1);
        CHECK(label->unless.size() == 1);
        const auto& lexicon = set.lexicons.at("harsh_labels");
        CHECK(lexicon.entries.size() == 4);  // the repeated "useless" counts once
        CHECK(std::find(lexicon.entries.begin(), lexicon.entries.end(), "a failure") != lexicon.entries.end());
    }
}

TEST_CASE("tabs in indentation are reported on each line, with a fix", "[loader]") {
    TempFolder folder;
    folder.write("settings.yaml", settings);
    folder.write("main.yaml", "flow: main\nstart: a\nstates:\n  a:\n\tsay: hi\n\t\tend: true\n");
    const auto result = reframe::load_flow_dir(folder.path());
    REQUIRE_FALSE(result.has_value());
    const auto& diagnostics = result.error();
    INFO(render(diagnostics));
    REQUIRE(diagnostics.size() == 2);
    CHECK(diagnostics[0].code == "RF0104");
    CHECK(diagnostics[0].where.line == 5);
    CHECK(diagnostics[1].where.line == 6);
    CHECK(diagnostics[0].hint.find("indent with spaces, not tabs") != std::string::npos);
}

TEST_CASE("an unknown key suggests the closest one, or lists the valid keys", "[loader]") {
    const auto result = load_fixture(fixtures / "RF0102");
    REQUIRE_FALSE(result.has_value());
    const Diagnostic* d = find_code(result.error(), "RF0102");
    REQUIRE(d != nullptr);
    CHECK(d->message == "unknown key 'sya' in state 'hello'");
    CHECK(d->hint == "did you mean 'say'?");
    CHECK(d->to_string().find("main.yaml:5:5: error: RF0102 unknown key 'sya'") != std::string::npos);

    TempFolder folder;
    folder.write("main.yaml",
                 std::string(settings) + "flow: main\nstart: a\nstates:\n  a:\n    zzzzz: 1\n    end: true\n");
    const auto far = reframe::load_flow_dir(folder.path());
    REQUIRE_FALSE(far.has_value());
    const Diagnostic* listed = find_code(far.error(), "RF0102");
    REQUIRE(listed != nullptr);
    CHECK(listed->hint.find("say, options, on, fallback, set, next, end, tags") != std::string::npos);
}

TEST_CASE("a misplaced key says where it belongs", "[loader]") {
    TempFolder folder;
    folder.write(
        "main.yaml",
        std::string(settings) + "flow: main\nstart: a\nstates:\n  a:\n    say: hi\n    goto: b\n  b:\n    end: true\n");
    const auto result = reframe::load_flow_dir(folder.path());
    REQUIRE_FALSE(result.has_value());
    const Diagnostic* d = find_code(result.error(), "RF0102");
    REQUIRE(d != nullptr);
    CHECK(d->hint.find("next:") != std::string::npos);
}

TEST_CASE("a bad regex is reported at the pattern", "[loader]") {
    const auto result = load_fixture(fixtures / "RF0302");
    REQUIRE_FALSE(result.has_value());
    const Diagnostic* d = find_code(result.error(), "RF0302");
    REQUIRE(d != nullptr);
    CHECK(d->where.line == 7);
    CHECK(d->message.find("regex") != std::string::npos);
}

TEST_CASE("a missing lexicon is named, with the file to add", "[loader]") {
    const auto result = load_fixture(fixtures / "RF0204");
    REQUIRE_FALSE(result.has_value());
    const Diagnostic* d = find_code(result.error(), "RF0204");
    REQUIRE(d != nullptr);
    CHECK(d->message == "undefined lexicon 'harsh_label'");
    CHECK(d->hint.find("lexicons/harsh_label.txt") != std::string::npos);
    CHECK(d->hint.find("harsh_labels") != std::string::npos);  // did you mean
}

TEST_CASE("an undefined variable is reported with did-you-mean", "[loader]") {
    const auto result = load_fixture(fixtures / "RF0206");
    REQUIRE_FALSE(result.has_value());
    const Diagnostic* d = find_code(result.error(), "RF0206");
    REQUIRE(d != nullptr);
    CHECK(d->message.find("'feelin'") != std::string::npos);
    CHECK(d->hint == "did you mean 'feeling'?");
}

TEST_CASE("variables may come from vars, set, captures, lexicons and the built-ins", "[loader]") {
    TempFolder folder;
    folder.write("lexicons/labels.txt", "lazy\n");
    folder.write("main.yaml", std::string(settings) + R"yaml(flow: main
start: a
states:
  a:
    say: "{text} {clause} {why} {labels} {picked} {named}"
    on:
      - pattern: "because *why"
        set: {picked: "x"}
      - pattern: "i am {labels}"
      - pattern: "re:call me (?P<named>\\w+)"
      - if: "picked == x"
        end: true
)yaml");
    const auto result = reframe::load_flow_dir(folder.path());
    INFO((result ? render(result->warnings) : render(result.error())));
    CHECK(result.has_value());
}

TEST_CASE("nothing is loaded when any file has an error, and every error is reported", "[loader]") {
    TempFolder folder;
    folder.write("settings.yaml", settings);
    folder.write("a.yaml", "flow: main\nstart: a\nstates:\n  a:\n    say: \"{nope}\"\n    end: true\n");
    folder.write("b.yaml", "intents:\n  x:\n    patterns: [\"re:(\"]\n");
    folder.write("c.yaml", "flow: other\nstart: missing\nstates:\n  s:\n    end: true\n");
    const auto result = reframe::load_flow_dir(folder.path());
    REQUIRE_FALSE(result.has_value());
    const auto& diagnostics = result.error();
    INFO(render(diagnostics));
    CHECK(has_code(diagnostics, "RF0206"));
    CHECK(has_code(diagnostics, "RF0302"));
    CHECK(has_code(diagnostics, "RF0201"));
    CHECK(std::is_sorted(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& x, const Diagnostic& y) {
        return std::tie(x.where.file, x.where.line, x.where.column) <
               std::tie(y.where.file, y.where.line, y.where.column);
    }));
}

TEST_CASE("a duplicate points at the second definition and names the first", "[loader]") {
    const auto result = load_fixture(fixtures / "RF0207");
    REQUIRE_FALSE(result.has_value());
    const Diagnostic* d = find_code(result.error(), "RF0207");
    REQUIRE(d != nullptr);
    CHECK(d->where.file.ends_with("main_copy.yaml"));
    CHECK(d->message.find("main.yaml:1") != std::string::npos);
}

TEST_CASE("a file over 1 MiB is refused before it is parsed", "[loader]") {
    TempFolder folder;
    folder.write("settings.yaml", settings);
    folder.write("big.yaml", "# " + std::string(1024 * 1024, 'x') + "\n");
    const auto result = reframe::load_flow_dir(folder.path());
    REQUIRE_FALSE(result.has_value());
    const Diagnostic* d = find_code(result.error(), "RF0105");
    REQUIRE(d != nullptr);
    CHECK(d->where.file.ends_with("big.yaml"));
}

TEST_CASE("a stray comma at the top level is a diagnostic, never a hang", "[loader][fuzz]") {
    // Found by fuzz/fuzz_loader: yaml-cpp 0.7's LoadAll loops forever on these.
    for (const std::string text :
         {",\n", " , a: b\n", "flow: main\n---\n,\n", ",low: main\nstasay: \"hi \xff\"\n\xff\xff\x0b   end: true\n"}) {
        TempFolder folder;
        folder.write("settings.yaml", settings);
        folder.write("main.yaml", text);
        const auto result = reframe::load_flow_dir(folder.path());
        INFO(text);
        REQUIRE_FALSE(result.has_value());
        const Diagnostic* d = find_code(result.error(), "RF0103");
        REQUIRE(d != nullptr);
        CHECK(d->where.file.ends_with("main.yaml"));
    }
}

TEST_CASE("deep nesting is a diagnostic, never a crash", "[loader]") {
    TempFolder folder;
    folder.write("settings.yaml", settings);
    std::string deep = "x: ";
    for (int i = 0; i < 100000; ++i) deep += "- ";
    folder.write("deep.yaml", deep + "1\n");
    folder.write("flow.yaml", "y: " + std::string(100000, '[') + std::string(100000, ']') + "\n");
    const auto result = reframe::load_flow_dir(folder.path());
    REQUIRE_FALSE(result.has_value());
    CHECK(has_code(result.error(), "RF0106"));
}

TEST_CASE("missing paths and odd files are reported", "[loader]") {
    const auto missing = reframe::load_flow_dir(fixtures / "no_such_folder");
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().front().code == "RF0101");

    const auto files = reframe::load_flow_files(
        {fixtures / "good" / "settings.yaml", fixtures / "nope.yaml", fixtures / "good" / "notes.md"});
    REQUIRE_FALSE(files.has_value());
    CHECK(has_code(files.error(), "RF0101"));
}

TEST_CASE("load_flow_files reads the listed YAML and lexicon files as one set", "[loader]") {
    const fs::path good = fixtures / "good";
    const auto result = reframe::load_flow_files({good / "settings.yaml", good / "intents" / "intents.yaml",
                                                  good / "flows" / "main.yaml", good / "flows" / "helper.yaml",
                                                  good / "lexicons" / "harsh_labels.txt"});
    INFO((result ? render(result->warnings) : render(result.error())));
    REQUIRE(result.has_value());
    CHECK(result->flows->flows.size() == 2);
    CHECK(result->flows->lexicons.count("harsh_labels") == 1);
}

TEST_CASE("conditions: every form, and clear errors", "[loader]") {
    using reframe::Condition;
    using reframe::loader_detail::parse_condition;
    auto op_of = [](const char* text) { return parse_condition(text).value().op; };
    CHECK(op_of("feeling") == Condition::Op::is_set);
    CHECK(op_of("  not feeling ") == Condition::Op::is_unset);
    CHECK(op_of("step == 2") == Condition::Op::eq);
    CHECK(op_of("step != 2") == Condition::Op::ne);
    CHECK(op_of("count < 3") == Condition::Op::lt);
    CHECK(op_of("count <= 3") == Condition::Op::le);
    CHECK(op_of("count > 3") == Condition::Op::gt);
    CHECK(op_of("count >= 3") == Condition::Op::ge);
    CHECK(parse_condition("mood == 'very low'").value().value == "very low");
    CHECK(parse_condition("mood == \"\"").value().value.empty());
    CHECK(parse_condition("mood==low").value().value == "low");
    CHECK(parse_condition("step == 2").value().source == "step == 2");

    CHECK(parse_condition("step = 2").error().offset == 5);
    CHECK(parse_condition("step = 2").error().hint.find("==") != std::string::npos);
    CHECK_FALSE(parse_condition("").has_value());
    CHECK_FALSE(parse_condition("two words").has_value());
    CHECK_FALSE(parse_condition("step ==").has_value());
    CHECK_FALSE(parse_condition("mood == 'open").has_value());
    CHECK_FALSE(parse_condition("count < many").has_value());
    CHECK(parse_condition("not").has_value());  // `not` alone reads as a variable name
}

TEST_CASE("safety: flows cannot answer crisis, interrupts cannot outrank safety", "[loader]") {
    const auto shadow = load_fixture(fixtures / "RF0401");
    REQUIRE_FALSE(shadow.has_value());
    const Diagnostic* d = find_code(shadow.error(), "RF0401");
    REQUIRE(d != nullptr);
    CHECK(d->message.find("only a safety interrupt may answer crisis") != std::string::npos);

    TempFolder folder;
    folder.write("intents.yaml", "intents:\n  pain:\n    tags: [medical_urgent]\n    patterns: [\"chest pain\"]\n");
    folder.write("main.yaml", std::string(settings) +
                                  "interrupts:\n  - id: sneaky\n    priority: 5\n    tag: medical_urgent\n"
                                  "    goto: main\nflow: main\nstart: a\nstates:\n  a:\n    end: true\n");
    const auto sneaky = reframe::load_flow_dir(folder.path());
    REQUIRE_FALSE(sneaky.has_value());
    CHECK(has_code(sneaky.error(), "RF0401"));
}

namespace {

/// Loads a folder with main.yaml = settings + `body`, and resources.yaml = `resources`.
tl::expected<reframe::LoadResult, Diagnostics> load_privacy_case(const std::string& settings_text,
                                                                 const std::string& body,
                                                                 const std::string& resources = {}) {
    TempFolder folder;
    folder.write("settings.yaml", settings_text);
    folder.write("main.yaml", body);
    if (!resources.empty()) folder.write("resources.yaml", resources);
    return reframe::load_flow_dir(folder.path());
}

const char* const two_locales = R"yaml(resources:
  default: intl
  locales:
    intl:
      emergency_number: "your local emergency number"
      crisis_line: "a crisis line"
    gb:
      emergency_number: "999"
      crisis_line: "Samaritans on 116 123"
)yaml";

const char* const consent_flow = R"yaml(flow: main
start: a
states:
  a:
    say: "Call {resources.emergency_number}. Transcripts last {settings.transcript_days} days."
    on:
      - intent: yes
        do: grant_transcripts
        end: true
      - if: consent
        do: forget_me
        end: true
intents:
  yes:
    patterns: ["yes"]
)yaml";

}  // namespace

TEST_CASE("privacy settings, data actions and resources load into the model", "[loader][privacy]") {
    const auto result = load_privacy_case("settings:\n  entry: main\n  first_contact: main\n  transcript_days: 7\n",
                                          consent_flow, two_locales);
    INFO((result ? render(result->warnings) : render(result.error())));
    REQUIRE(result.has_value());
    const auto& set = *result->flows;
    CHECK(set.first_contact == reframe::Frame{"main", "a"});
    CHECK(set.transcript_days == 7);
    CHECK(set.resources.default_locale == "intl");
    CHECK(set.resources.find("gb", "crisis_line") == std::optional<std::string_view>{"Samaritans on 116 123"});
    CHECK(set.resources.find("xx", "crisis_line") == std::optional<std::string_view>{"a crisis line"});
    const auto& rules = set.flows.front().states.front().on;
    CHECK(rules.at(0).action == reframe::DataAction::grant_transcripts);
    CHECK(rules.at(1).action == reframe::DataAction::forget_me);
}

TEST_CASE("privacy and resources mistakes are diagnostics with a fix", "[loader][privacy]") {
    const std::string entry = "settings:\n  entry: main\n";
    SECTION("an unknown data action suggests the closest") {
        std::string body = consent_flow;
        body.replace(body.find("do: forget_me"), 13, "do: forget_my");
        const auto result = load_privacy_case(entry, body, two_locales);
        REQUIRE_FALSE(result);
        const Diagnostic* d = find_code(result.error(), "RF0111");
        REQUIRE(d != nullptr);
        CHECK(d->hint == "did you mean 'forget_me'?");
    }
    SECTION("a resource no locale gives is an undefined variable") {
        std::string body = consent_flow;
        body.replace(body.find("resources.emergency_number"), 26, "resources.emergency_numbr");
        const auto result = load_privacy_case(entry, body, two_locales);
        REQUIRE_FALSE(result);
        const Diagnostic* d = find_code(result.error(), "RF0206");
        REQUIRE(d != nullptr);
        CHECK(d->hint == "did you mean 'resources.emergency_number'?");
    }
    SECTION("templates cannot read resources when there are none") {
        const auto result = load_privacy_case(entry, consent_flow);
        REQUIRE_FALSE(result);
        CHECK(has_code(result.error(), "RF0206"));
    }
    SECTION("a locale that lacks a resource of the default one") {
        std::string resources = two_locales;
        resources.erase(resources.find("      crisis_line: \"Samaritans"));
        const auto result = load_privacy_case(entry, consent_flow, resources);
        REQUIRE_FALSE(result);
        const Diagnostic* d = find_code(result.error(), "RF0108");
        REQUIRE(d != nullptr);
        CHECK(d->message == "locale 'gb' has no 'crisis_line'");
    }
    SECTION("a default locale that is not given") {
        std::string resources = two_locales;
        resources.replace(resources.find("default: intl"), 13, "default: fr");
        const auto result = load_privacy_case(entry, consent_flow, resources);
        REQUIRE_FALSE(result);
        CHECK(has_code(result.error(), "RF0111"));
    }
    SECTION("a first-contact flow that does not exist") {
        const auto result = load_privacy_case(entry + "  first_contact: mian\n", consent_flow, two_locales);
        REQUIRE_FALSE(result);
        const Diagnostic* d = find_code(result.error(), "RF0202");
        REQUIRE(d != nullptr);
        CHECK(d->hint == "did you mean 'main'?");
    }
    SECTION("flows cannot set the person's consent") {
        std::string body = consent_flow;
        body.replace(body.find("do: grant_transcripts"), 21, "set: {consent: granted}");
        const auto result = load_privacy_case(entry, body, two_locales);
        REQUIRE_FALSE(result);
        const Diagnostic* d = find_code(result.error(), "RF0109");
        REQUIRE(d != nullptr);
        CHECK(d->message == "`consent` is read-only: reframe fills it in");
    }
    SECTION("transcript days out of range") {
        const auto result = load_privacy_case(entry + "  transcript_days: 0\n", consent_flow, two_locales);
        REQUIRE_FALSE(result);
        CHECK(has_code(result.error(), "RF0111"));
    }
}
