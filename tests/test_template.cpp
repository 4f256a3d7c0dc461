#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reframe/template.hpp"

using reframe::Template;
using reframe::TemplateError;

namespace {

using Vars = std::map<std::string, std::string, std::less<>>;

std::string render(std::string_view source, const Vars& vars = {}) {
    const auto compiled = Template::compile(source);
    REQUIRE(compiled.has_value());
    return compiled->render([&](std::string_view name) -> std::optional<std::string_view> {
        const auto it = vars.find(name);
        if (it == vars.end()) return std::nullopt;
        return std::string_view(it->second);
    });
}

TemplateError error_of(std::string_view source) {
    const auto compiled = Template::compile(source);
    REQUIRE_FALSE(compiled.has_value());
    return compiled.error();
}

}  // namespace

TEST_CASE("templates insert variables", "[template]") {
    CHECK(render("plain text") == "plain text");
    CHECK(render("") == "");
    CHECK(render("hello {name}!", {{"name", "sam"}}) == "hello sam!");
    CHECK(render("{a}{b}", {{"a", "1"}, {"b", "2"}}) == "12");
    CHECK(render("{ name }", {{"name", "sam"}}) == "sam");
    CHECK(render("{flow.step_2}", {{"flow.step_2", "x"}}) == "x");
}

TEST_CASE("unset variables render empty or as their default", "[template]") {
    CHECK(render("[{missing}]") == "[]");
    CHECK(render("{label|default:'that'}") == "that");
    CHECK(render("{label|default:\"that one\"}") == "that one");
    CHECK(render("{label|default:that}") == "that");
    CHECK(render("{label|default:'that'}", {{"label", ""}}) == "that");
    CHECK(render("{label|default:'that'}", {{"label", "lazy"}}) == "lazy");
    CHECK(render("{x|default:'a | b } c'}") == "a | b } c");
    CHECK(render("{x|default:''}") == "");
}

TEST_CASE("reflect filter turns the person round", "[template]") {
    const Vars vars{{"situation", "i let my family down"}, {"clause", "you never listen to me"}};
    CHECK(render("It sounds like {situation|reflect}.", vars) == "It sounds like you let your family down.");
    CHECK(render("{clause|reflect}", vars) == "I never listen to you");
    CHECK(render("It sounds like {situation|reflect|default:'today'} was hard.") == "It sounds like today was hard.");
    CHECK(render("{situation|reflect|capitalize}", vars) == "You let your family down");
}

TEST_CASE("case filters", "[template]") {
    const Vars vars{{"name", "sam o'neil"}, {"word", "\u00E9cole"}};
    CHECK(render("{name|capitalize}", vars) == "Sam o'neil");
    CHECK(render("{name|upper}", vars) == "SAM O'NEIL");
    CHECK(render("{name|upper|lower}", vars) == "sam o'neil");
    CHECK(render("{word|upper}", vars) == "\u00C9COLE");
    CHECK(render("{word|capitalize}", vars) == "\u00C9cole");
    CHECK(render("{missing|capitalize|default:'friend'}") == "friend");
}

TEST_CASE("double braces are literal braces", "[template]") {
    CHECK(render("{{not a var}}") == "{not a var}");
    CHECK(render("{{{name}}}", {{"name", "x"}}) == "{x}");
    CHECK(render("}}") == "}");
}

TEST_CASE("values are inserted verbatim, never re-expanded", "[template]") {
    const Vars vars{{"text", "my name is {name} and {{this}}"}, {"name", "SECRET"}};
    CHECK(render("you said: {text}", vars) == "you said: my name is {name} and {{this}}");
    CHECK(render("{text|upper}", vars) == "MY NAME IS {NAME} AND {{THIS}}");
    CHECK(render("{x|default:'{name}'}", vars) == "{name}");
}

TEST_CASE("variables lists each name once in order", "[template]") {
    const auto compiled = Template::compile("{b} {a|reflect} {b|upper} {{c}}");
    REQUIRE(compiled);
    CHECK(compiled->variables() == std::vector<std::string>{"b", "a"});
    CHECK(compiled->source() == "{b} {a|reflect} {b|upper} {{c}}");
    CHECK_FALSE(compiled->empty());
    CHECK(Template{}.empty());
    CHECK(Template::compile("")->empty());
}

TEST_CASE("template errors carry a byte offset", "[template]") {
    auto e = error_of("hello {name");
    CHECK(e.offset == 6);
    CHECK(e.message == "unclosed '{' (write '{{' for a literal brace)");

    e = error_of("a } b");
    CHECK(e.offset == 2);
    CHECK(e.message.find("unmatched '}'") == 0);

    e = error_of("x {} y");
    CHECK(e.offset == 2);
    CHECK(e.message.find("empty variable name") == 0);

    e = error_of("{situation|reflct}");
    CHECK(e.offset == 11);
    CHECK(e.message == "unknown filter 'reflct' (did you mean 'reflect'?)");

    e = error_of("{x|shout}");
    CHECK(e.message == "unknown filter 'shout' (filters: reflect, default, lower, upper, capitalize)");

    e = error_of("{my-name}");
    CHECK(e.offset == 3);
    CHECK(e.message.find("invalid character '-'") == 0);

    e = error_of("{Name}");
    CHECK(e.offset == 1);
    CHECK(e.message == "variable names are lower case: 'Name'");

    e = error_of("{my name}");
    CHECK(e.offset == 3);
}

TEST_CASE("template filter argument errors", "[template]") {
    auto e = error_of("{x|default}");
    CHECK(e.message == "filter 'default' needs a value, e.g. default:'that'");
    CHECK(e.offset == 3);

    e = error_of("{x|lower:'a'}");
    CHECK(e.message == "filter 'lower' takes no value");

    e = error_of("{x|default:'open}");
    CHECK(e.message == "unclosed quote in filter value");
    CHECK(e.offset == 11);

    e = error_of("{x|default:'a' b}");
    CHECK(e.message.find("unexpected text after quoted value") == 0);

    e = error_of("{x|}");
    CHECK(e.message == "empty filter after '|'");

    e = error_of("{x|reflect");
    CHECK(e.offset == 0);

    e = error_of("{.x}");
    CHECK(e.offset == 1);
    e = error_of("{a..b}");
    CHECK(e.offset == 3);
}

TEST_CASE("compile never throws on scrambled templates", "[template]") {
    const std::vector<std::string> pieces{"{",       "}", "|", "'",   "\"", ":", "default",
                                          "reflect", "a", " ", "x.y", "{{", "}}"};
    std::uint32_t seed = 7;
    for (int round = 0; round < 2000; ++round) {
        std::string source;
        for (int k = 0; k < 10; ++k) {
            seed = seed * 1664525U + 1013904223U;
            source += pieces[(seed >> 8) % pieces.size()];
        }
        tl::expected<Template, TemplateError> compiled = Template::compile(source);
        REQUIRE_NOTHROW(compiled = Template::compile(source));
        if (compiled) {
            CHECK_NOTHROW(compiled->render([](std::string_view) { return std::optional<std::string_view>("i am"); }));
        } else {
            CHECK(compiled.error().offset < source.size());
        }
    }
}
