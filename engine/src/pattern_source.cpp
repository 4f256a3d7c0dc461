#include "pattern_source.hpp"

#include <cstdlib>
#include <string_view>

#include "loader_codes.hpp"
#include "pattern_lint.hpp"

namespace reframe::loader_detail {
namespace {

bool is_regex(std::string_view source) {
    const auto at = source.find_first_not_of(' ');
    return at != std::string_view::npos && source.substr(at).starts_with("re:");
}

/// The name inside the first '…' of a message ("unknown lexicon 'harsh'").
std::string quoted_name(const std::string& message) {
    const auto open = message.find('\'');
    if (open == std::string::npos) return {};
    const auto close = message.find('\'', open + 1);
    if (close == std::string::npos) return {};
    return message.substr(open + 1, close - open - 1);
}

void report(const YAML::Node& scalar, const PatternError& error, FileContext& ctx) {
    const auto where = ctx.in_scalar(scalar, error.offset);
    if (is_regex(scalar.Scalar())) {
        ctx.error(code::bad_regex, where, error.message,
                  "check the regular expression (RE2 syntax); look-arounds and back-references "
                  "are not supported");
    } else if (error.message.starts_with("unknown lexicon")) {
        const std::string name = quoted_name(error.message);
        ctx.error(code::undefined_lexicon, where, "undefined lexicon '" + name + "'",
                  "add the file lexicons/" + name + ".txt, or fix the name" +
                      (error.message.find("did you mean") != std::string::npos
                           ? " " + error.message.substr(error.message.find('('))
                           : std::string()));
    } else {
        ctx.error(code::bad_pattern, where, "bad pattern: " + error.message,
                  "see \"Patterns\" in dialogues/README.md: words, *, *name, *~N, {lexicon}, "
                  "[optional|words], (one|of|these), ^, $");
    }
}

}  // namespace

std::optional<std::vector<PatternId>> read_patterns(const Field& field, FileContext& ctx) {
    auto items = read_text_list(field, ctx);
    if (!items) return std::nullopt;
    std::vector<PatternId> ids;
    bool ok = true;
    for (const auto& item : *items) {
        auto& state = ctx.state();
        auto added = state.set.patterns.add(item.Scalar(), state.set.lexicons);
        if (!added) {
            report(item, added.error(), ctx);
            ok = false;
            continue;
        }
        if (state.pattern_where.size() <= *added) state.pattern_where.resize(*added + 1);
        state.pattern_where[*added] = ctx.at(item);
        lint_pattern(item, ctx);
        ids.push_back(*added);
    }
    if (!ok) return std::nullopt;
    return ids;
}

void compile_patterns(LoadState& state) {
    auto compiled = state.build_matcher ? state.set.patterns.compile() : state.set.patterns.check();
    if (compiled) return;
    // "pattern N: …" names the pattern that could not join the set.
    SourceLocation where{state.origin, 0, 0};
    const std::string& message = compiled.error().message;
    if (message.starts_with("pattern ")) {
        const auto id = static_cast<std::size_t>(std::strtoull(message.c_str() + 8, nullptr, 10));
        if (id < state.pattern_where.size()) where = state.pattern_where[id];
    }
    state.error(code::bad_pattern, where, "bad pattern: " + message,
                "the patterns together are too large; use fewer or shorter patterns and lexicons");
}

}  // namespace reframe::loader_detail
