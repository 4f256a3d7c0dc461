#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "reframe/diagnostic.hpp"

using reframe::Diagnostic;
using reframe::Severity;

TEST_CASE("diagnostic prints file:line:col, severity, code, message and hint", "[diagnostic]") {
    Diagnostic d{
        Severity::error, "RF0102", {"flows/a.yaml", 12, 5}, "unknown key 'sya' in state", "did you mean 'say'?"};
    CHECK(d.to_string() == "flows/a.yaml:12:5: error: RF0102 unknown key 'sya' in state \u2014 did you mean 'say'?");

    d.severity = Severity::warning;
    d.hint.clear();
    CHECK(d.to_string() == "flows/a.yaml:12:5: warning: RF0102 unknown key 'sya' in state");
}

TEST_CASE("diagnostic leaves out what it does not know", "[diagnostic]") {
    Diagnostic d;
    d.message = "no flows found";
    CHECK(d.to_string() == "error: no flows found");

    d.where.file = "a.yaml";
    CHECK(d.to_string() == "a.yaml: error: no flows found");

    d.where.line = 3;
    CHECK(d.to_string() == "a.yaml:3: error: no flows found");

    d.where.file.clear();
    d.where.column = 7;
    d.code = "RF0001";
    CHECK(d.to_string() == "<input>:3:7: error: RF0001 no flows found");
}

TEST_CASE("has_errors ignores warnings", "[diagnostic]") {
    reframe::Diagnostics list;
    CHECK_FALSE(reframe::has_errors(list));
    list.push_back(Diagnostic{Severity::warning, "RF9", {}, "w", ""});
    CHECK_FALSE(reframe::has_errors(list));
    list.push_back(Diagnostic{Severity::error, "RF1", {}, "e", ""});
    CHECK(reframe::has_errors(list));
}

TEST_CASE("did_you_mean finds the closest candidate", "[diagnostic]") {
    const std::vector<std::string> keys{"say", "options", "on", "capture", "set", "fallback", "end"};
    CHECK(reframe::did_you_mean("sya", keys) == "say");  // transposition is one edit
    CHECK(reframe::did_you_mean("optons", keys) == "options");
    CHECK(reframe::did_you_mean("fallbak", keys) == "fallback");
    CHECK(reframe::did_you_mean("captrue", keys) == "capture");
    CHECK(reframe::did_you_mean("SAY", keys) == "say");  // case is ignored
    CHECK(reframe::did_you_mean("say", keys) == "say");
    CHECK(reframe::did_you_mean("weather", keys) == "");
    CHECK(reframe::did_you_mean("x", keys) == "");
    CHECK(reframe::did_you_mean("", keys) == "");
    CHECK(reframe::did_you_mean("say", {}) == "");
}

TEST_CASE("did_you_mean threshold grows with the word", "[diagnostic]") {
    const std::vector<std::string> filters{"reflect", "default", "lower", "upper", "capitalize"};
    CHECK(reframe::did_you_mean("reflct", filters) == "reflect");
    CHECK(reframe::did_you_mean("refelct", filters) == "reflect");
    CHECK(reframe::did_you_mean("capitalise", filters) == "capitalize");
    CHECK(reframe::did_you_mean("uper", filters) == "upper");
    CHECK(reframe::did_you_mean("lwr", filters) == "");  // two edits from "lower" is too far for 3 letters
    CHECK(reframe::did_you_mean("defualt", filters) == "default");
}

TEST_CASE("did_you_mean prefers the first of equally close candidates", "[diagnostic]") {
    CHECK(reframe::did_you_mean("cat", {"bat", "cut"}) == "bat");
    CHECK(reframe::did_you_mean("cat", {"cut", "bat"}) == "cut");
}
