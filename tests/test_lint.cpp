// The lint passes of the loader (RF0906–RF0912, RF0116) beyond their fixtures: the cases
// each one must catch, and the ones it must leave alone.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "reframe/coverage.hpp"
#include "reframe/loader.hpp"
#include "temp_dir.hpp"

using reframe::Diagnostic;
using reframe::Diagnostics;
using reframe::testing::TempDir;

namespace {

const char* const settings = "settings:\n  entry: main\n";

/// Loads `dir` and returns every diagnostic, loaded or not.
Diagnostics lint(const TempDir& dir) {
    auto loaded = reframe::load_flow_dir(dir.path());
    return loaded ? loaded->warnings : loaded.error();
}

std::vector<const Diagnostic*> with_code(const Diagnostics& all, const std::string& code) {
    std::vector<const Diagnostic*> found;
    for (const auto& d : all) {
        if (d.code == code) found.push_back(&d);
    }
    return found;
}

std::string render(const Diagnostics& all) {
    std::string out;
    for (const auto& d : all) out += d.to_string() + "\n";
    return out;
}

/// A folder with settings and one flow file `main.yaml`.
void write_flow(const TempDir& dir, const std::string& flow) {
    dir.write("settings.yaml", settings);
    dir.write("main.yaml", flow);
}

}  // namespace

TEST_CASE("tone: bundled phrases are found on normalised whole words, at their column", "[lint][tone]") {
    TempDir dir;
    write_flow(dir,
               "flow: main\nstart: a\nstates:\n  a:\n"
               "    say:\n"
               "      - \"Dont worry about the dishes.\"\n"          // line 6: apostrophe-less form
               "      - \"That is a matter of justice.\"\n"          // line 7: 'just' inside a word
               "      - \"Calm. Down the hall is a quiet room.\"\n"  // line 8: split by a full stop
               "      - \"I hear you. AT LEAST it's over.\"\n"       // line 9: upper case
               "    end: true\n");
    const auto all = lint(dir);
    INFO(render(all));
    const auto tone = with_code(all, "RF0911");
    REQUIRE(tone.size() == 2);
    CHECK(tone[0]->where.line == 6);
    CHECK(tone[0]->where.column == 10);
    CHECK(tone[0]->hint.find("worries you") != std::string::npos);
    CHECK(tone[1]->where.line == 9);
    CHECK(tone[1]->where.column == 22);
}

TEST_CASE("tone: a comment silences one line on purpose", "[lint][tone]") {
    TempDir dir;
    write_flow(dir,
               "flow: main\nstart: a\nstates:\n  a:\n"
               "    say:\n"
               "      - \"People may tell you to calm down.\"  # lint: allow tone\n"
               "      # lint: allow tone (a quoted example)\n"
               "      - \"Or that it could be worse.\"\n"
               "      - \"You should rest.\"\n"
               "    end: true\n");
    const auto all = lint(dir);
    const auto tone = with_code(all, "RF0911");
    REQUIRE(tone.size() == 1);
    CHECK(tone[0]->where.line == 9);
}

TEST_CASE("tone: lint/tone.yaml extends, trims or replaces the bundled list", "[lint][tone]") {
    TempDir dir;
    write_flow(dir,
               "flow: main\nstart: a\nstates:\n  a:\n"
               "    say: \"Just breathe. Push through it. At least try.\"\n"
               "    end: true\n");
    SECTION("extend and allow") {
        dir.write("lint/tone.yaml",
                  "tone:\n  allow: [just]\n  phrases:\n"
                  "    - phrase: push through\n      why: it asks the body to ignore its limits\n"
                  "      instead: \"would it help to pause?\"\n");
        const auto all = lint(dir);
        CHECK_FALSE(reframe::has_errors(all));  // lint/tone.yaml is not read as a flow
        const auto tone = with_code(all, "RF0911");
        REQUIRE(tone.size() == 2);
        CHECK(tone[0]->message.find("push through") != std::string::npos);
        CHECK(tone[0]->hint.find("would it help to pause?") != std::string::npos);
        CHECK(tone[1]->message.find("at least") != std::string::npos);
    }
    SECTION("replace") {
        dir.write("lint/tone.yaml",
                  "tone:\n  replace: true\n  phrases:\n"
                  "    - {phrase: breathe, why: test, instead: test}\n");
        const auto all = lint(dir);
        const auto tone = with_code(all, "RF0911");
        REQUIRE(tone.size() == 1);
        CHECK(tone[0]->message.find("breathe") != std::string::npos);
    }
    SECTION("a mistake in the list is an error with its place, and the file is no flow") {
        dir.write("lint/tone.yaml", "tone:\n  phrases:\n    - phrase: x\n      wy: typo\n      instead: y\n");
        auto loaded = reframe::load_flow_dir(dir.path());
        REQUIRE_FALSE(loaded);
        const auto unknown = with_code(loaded.error(), "RF0102");
        REQUIRE(unknown.size() == 1);
        CHECK(unknown[0]->where.file.ends_with("tone.yaml"));
        CHECK(unknown[0]->where.line == 4);
        CHECK(unknown[0]->hint.find("why") != std::string::npos);
    }
}

TEST_CASE("no end: loops across call and return are followed", "[lint][reach]") {
    TempDir dir;
    dir.write("settings.yaml", settings);
    dir.write("main.yaml",
              "flow: main\nstart: a\nstates:\n  a:\n    say: hi\n    on:\n"
              "      - {pattern: go, call: helper, then: b}\n"
              "    fallback: {end: true}\n"
              "  b:\n    say: back\n    fallback: {goto: c}\n"
              "  c:\n    say: round\n    fallback: {goto: b}\n");
    dir.write("helper.yaml", "flow: helper\nstart: h\nstates:\n  h:\n    say: helping\n    fallback: {return: true}\n");
    const auto all = lint(dir);
    INFO(render(all));
    const auto loops = with_code(all, "RF0906");
    // helper returns into b, and b and c only go round each other; a ends.
    REQUIRE(loops.size() == 3);
    CHECK(loops[0]->message.find("'h' of flow 'helper'") != std::string::npos);
    CHECK(loops[1]->message.find("'b'") != std::string::npos);
    CHECK(loops[2]->message.find("'c'") != std::string::npos);
}

TEST_CASE("maybe unset: conditions, declarations and defaults make a read safe", "[lint][variables]") {
    TempDir dir;
    write_flow(dir,
               "flow: main\nstart: a\nvars: {mood: \"\"}\nstates:\n  a:\n    say: hi\n    on:\n"
               "      - {pattern: \"i feel *feeling\", goto: b}\n"
               "      - {pattern: sad, goto: b}\n"
               "      - {pattern: tired, if: feeling, goto: c}\n"
               "    fallback: {end: true}\n"
               "  b:\n    say: \"{feeling|default:'this way'} and {mood}\"\n    end: true\n"
               "  c:\n    say: \"Still {feeling}?\"\n    end: true\n");
    const auto all = lint(dir);
    INFO(render(all));
    CHECK(with_code(all, "RF0907").empty());
}

TEST_CASE("maybe unset: a capture only on one way in is reported at the read", "[lint][variables]") {
    TempDir dir;
    write_flow(dir,
               "flow: main\nstart: a\nstates:\n  a:\n    say: hi\n    on:\n"
               "      - {intent: feel, goto: b}\n"
               "      - {pattern: \"i am *feeling\", goto: b}\n"
               "    fallback: {end: true}\n"
               "  b:\n    say: hi\n    next: c\n"
               "  c:\n    say: \"So: {feeling}.\"\n    end: true\n"
               "intents:\n  feel:\n    patterns: [\"i feel *feeling\", \"feeling *feeling\"]\n");
    auto all = lint(dir);
    CHECK(with_code(all, "RF0907").empty());  // every pattern of the intent captures it
    dir.write("main.yaml",
              "flow: main\nstart: a\nstates:\n  a:\n    say: hi\n    on:\n"
              "      - {intent: feel, goto: b}\n"
              "    fallback: {end: true}\n"
              "  b:\n    say: hi\n    next: c\n"
              "  c:\n    say: \"So: {feeling}.\"\n    end: true\n"
              "intents:\n  feel:\n    patterns: [\"i feel *feeling\", \"feeling low\"]\n");
    all = lint(dir);
    INFO(render(all));
    const auto unset = with_code(all, "RF0907");
    REQUIRE(unset.size() == 1);
    CHECK(unset[0]->where.line == 13);
    CHECK(unset[0]->where.column == 16);
}

TEST_CASE("shadowing: subsets, tags and conditions", "[lint][shadow]") {
    TempDir dir;
    dir.write("settings.yaml", settings);
    dir.write("intents.yaml",
              "intents:\n  tired:\n    tags: [body]\n    patterns: [tired]\n"
              "  sore:\n    tags: [body]\n    patterns: [sore]\n");
    dir.write("main.yaml",
              "flow: main\nstart: a\nvars: {ready: \"\"}\nstates:\n  a:\n    say: hi\n    options: [\"Yes\", \"No\"]\n "
              "   on:\n"
              "      - {option: 1, if: ready, say: one}\n"      // 9: conditional first: the plain one still fires
              "      - {option: 1, say: two}\n"                 // 10
              "      - {intent: [tired, sore], say: three}\n"   // 11
              "      - {intent: sore, say: four}\n"             // 12: shadowed by 11
              "      - {tag: body, say: five}\n"                // 13: not shadowed (other intents may carry it)
              "      - {intent: tired, if: ready, say: six}\n"  // 14: shadowed by 11
              "      - {say: seven}\n"                          // 15: no condition
              "      - {option: 2, say: eight}\n"               // 16: shadowed by 15
              "    fallback: {end: true}\n");                   // 17: shadowed by 15
    const auto all = lint(dir);
    INFO(render(all));
    const auto shadowed = with_code(all, "RF0908");
    std::vector<int> lines;
    for (const auto* d : shadowed) lines.push_back(d->where.line);
    CHECK(lines == std::vector<int>{12, 14, 16, 17});
}

TEST_CASE("patterns: regex words the normaliser rewrites, and words it splits", "[lint][patterns]") {
    TempDir dir;
    write_flow(dir,
               "flow: main\nstart: a\nstates:\n  a:\n    say: hi\n    on:\n"
               "      - pattern: 're:(?i)I AM tired'\n"         // fine: case-insensitive
               "      - pattern: 're:(sw|sk)im'\n"              // fine: 'im' is part of a word
               "      - pattern: 're:\\bi am (sore|Tired)$'\n"  // Tired
               "      - pattern: 're:dont'\n"                   // dont -> do not
               "      - pattern: \"i'm tired\"\n"               // fine: plain words are normalised
               "      - pattern: \"tired,sore\"\n"              // split into two parts
               "    fallback: {end: true}\n");
    const auto all = lint(dir);
    INFO(render(all));
    const auto words = with_code(all, "RF0909");
    REQUIRE(words.size() == 3);
    CHECK(words[0]->where.line == 9);
    CHECK(words[0]->message.find("'Tired'") != std::string::npos);
    CHECK(words[1]->where.line == 10);
    CHECK(words[1]->hint.find("do not") != std::string::npos);
    CHECK(words[2]->where.line == 12);
}

TEST_CASE("serves: unknown components get a did-you-mean; the report follows paths", "[lint][coverage]") {
    TempDir dir;
    write_flow(dir,
               "flow: main\nstart: a\nserves: [mindfulness, self_kindness]\nstates:\n  a:\n    say: hi\n    on:\n"
               "      - {pattern: one, goto: b}\n"
               "      - {pattern: two, goto: c}\n"
               "    fallback: {end: true}\n"
               "  b:\n    say: noticing\n    serves: [mindfulness]\n    fallback: {goto: c}\n"
               "  c:\n    say: kindness\n    serves: [self_kindness]\n    end: true\n");
    auto loaded = reframe::load_flow_dir(dir.path());
    REQUIRE(loaded);
    INFO(render(loaded->warnings));
    const auto misses = with_code(loaded->warnings, "RF0912");
    REQUIRE(misses.size() == 1);
    CHECK(misses[0]->where.line == 15);
    CHECK(misses[0]->message.find("never offers mindfulness") != std::string::npos);
    const auto report = reframe::coverage_report(*loaded->flows);
    REQUIRE(report.size() == 1);
    CHECK(report[0].offered == std::vector<std::string>{"mindfulness", "self_kindness"});
    REQUIRE(report[0].paths.size() == 2);
    CHECK(report[0].paths[0].states == std::vector<std::string>{"b", "c"});
    CHECK(report[0].paths[1].states == std::vector<std::string>{"c"});
    CHECK(report[0].paths[1].missing == std::vector<std::string>{"mindfulness"});

    dir.write("main.yaml",
              "flow: main\nstart: a\nstates:\n  a:\n    say: hi\n    serves: [mindfullness]\n    end: true\n");
    auto bad = reframe::load_flow_dir(dir.path());
    REQUIRE_FALSE(bad);
    const auto unknown = with_code(bad.error(), "RF0116");
    REQUIRE(unknown.size() == 1);
    CHECK(unknown[0]->hint == "did you mean 'mindfulness'?");
}

TEST_CASE("the bundled dialogues lint clean and every reframe path offers all three parts", "[lint][bundled]") {
    auto loaded = reframe::load_flow_dir(std::string{REFRAME_SOURCE_DIR} + "/dialogues");
    REQUIRE(loaded);
    INFO(render(loaded->warnings));
    CHECK(loaded->warnings.empty());
    const auto report = reframe::coverage_report(*loaded->flows);
    const auto reframe_flow =
        std::find_if(report.begin(), report.end(), [](const auto& f) { return f.flow == "reframe"; });
    REQUIRE(reframe_flow != report.end());
    CHECK(reframe_flow->paths.size() >= 12);
    for (const auto& path : reframe_flow->paths) {
        INFO(path.states.front());
        CHECK(path.offered.size() == 3);
    }
}
