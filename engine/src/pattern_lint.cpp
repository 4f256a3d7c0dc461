#include "pattern_lint.hpp"

#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "loader_codes.hpp"
#include "reframe/text.hpp"

namespace reframe::loader_detail {
namespace {

struct Word {
    std::string text;
    std::size_t offset = 0;  // in the pattern source
};

/// The words of `text` as the matcher sees them, each clause's tokens joined by a space
/// and clauses by " . ".
std::string normalised(std::string_view text) { return normalize(text).joined(); }

bool is_meta(char c) { return std::string_view(".()*+?|^$[]{}\\").find(c) != std::string_view::npos; }

/// Skips a `[…]` class, a `{n,m}` repeat, a `(?…)` group opening or a `\x` escape at
/// `i`; returns where scanning goes on.
std::size_t skip_syntax(std::string_view re, std::size_t i, bool& ignore_case) {
    const char c = re[i];
    if (c == '\\') return i + 2;
    if (c == '[') {
        for (std::size_t j = i + 1; j < re.size(); ++j) {
            if (re[j] == '\\')
                ++j;
            else if (re[j] == ']' && j > i + 1)
                return j + 1;
        }
        return re.size();
    }
    if (c == '{') {
        const auto close = re.find('}', i);
        return close == std::string_view::npos ? re.size() : close + 1;
    }
    if (c == '(' && i + 1 < re.size() && re[i + 1] == '?') {
        if (re.substr(i).starts_with("(?P<")) {
            const auto close = re.find('>', i);
            return close == std::string_view::npos ? re.size() : close + 1;
        }
        std::size_t j = i + 2;
        while (j < re.size() && std::isalpha(static_cast<unsigned char>(re[j]))) {
            if (re[j] == 'i') ignore_case = true;
            ++j;
        }
        return j < re.size() ? j + 1 : j;
    }
    return i + 1;
}

/// Literal words of a regex that stand alone: after a space, `\b`, `^`, `(` or `|`, and
/// before a space, `\b`, `$`, `)` or `|` (a run glued to a group, like the `im` of
/// `(sw|sk)im`, is part of a longer word).
std::vector<Word> regex_words(std::string_view re, std::size_t base, bool& ignore_case) {
    std::vector<Word> words;
    std::size_t i = 0;
    bool bounded = true;  // the previous thing was a boundary
    while (i < re.size()) {
        const char c = re[i];
        if (c == ')') {  // a word right after a group is glued to it: `(sw|sk)im`
            ++i;
            bounded = false;
            continue;
        }
        if (c == ' ' || c == '^' || c == '$' || c == '(' || c == '|' || re.substr(i).starts_with("\\b")) {
            const std::size_t next = c == '(' ? skip_syntax(re, i, ignore_case) : i + (c == '\\' ? 2 : 1);
            i = next;
            bounded = true;
            continue;
        }
        if (is_meta(c)) {
            i = skip_syntax(re, i, ignore_case);
            bounded = false;
            continue;
        }
        const std::size_t start = i;
        while (i < re.size() && re[i] != ' ' && !is_meta(re[i])) ++i;
        const bool ends = i >= re.size() || std::string_view(" )|$").find(re[i]) != std::string_view::npos ||
                          re.substr(i).starts_with("\\b");
        if (bounded && ends) words.push_back({std::string(re.substr(start, i - start)), base + start});
        bounded = false;
    }
    return words;
}

void lint_regex(const YAML::Node& scalar, std::size_t prefix, FileContext& ctx) {
    const std::string& source = scalar.Scalar();
    bool ignore_case = false;
    const auto words = regex_words(std::string_view(source).substr(prefix), prefix, ignore_case);
    for (const auto& word : words) {
        std::string seen = word.text;
        if (ignore_case) {
            for (auto& ch : seen) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        }
        const std::string as_matched = normalised(seen);
        if (as_matched == seen) continue;
        ctx.warning(code::unmatchable_word, ctx.in_scalar(scalar, word.offset),
                    "'" + word.text + "' never appears in a normalised message, so this regex never matches it " +
                        "(reframe matches on \"" + as_matched + "\")",
                    as_matched.empty() ? "remove it: normalisation drops it"
                                       : "write it as reframe sees it: \"" + as_matched + "\"");
    }
}

bool is_special(char c) { return std::string_view("*{}[]()|^$").find(c) != std::string_view::npos; }

void lint_words(const YAML::Node& scalar, FileContext& ctx) {
    const std::string& source = scalar.Scalar();
    const LexiconTable& lexicons = ctx.state().set.lexicons;
    std::size_t i = 0;
    while (i < source.size()) {
        const char c = source[i];
        if (c == '{') {
            const auto close = source.find('}', i);
            if (close == std::string::npos) return;
            const std::string name = source.substr(i + 1, close - i - 1);
            const auto it = lexicons.find(name);
            if (it != lexicons.end() && it->second.entries.empty()) {
                ctx.warning(code::empty_lexicon, ctx.in_scalar(scalar, i),
                            "lexicon '" + name + "' has no entries, so {" + name + "} never matches",
                            "add words or phrases to lexicons/" + name + ".txt, one per line");
            }
            i = close + 1;
            continue;
        }
        if (c == '*') {  // `*name`, `*~3`: a wildcard, not a word
            ++i;
            while (i < source.size() && source[i] != ' ' && !is_special(source[i])) ++i;
            continue;
        }
        if (c == ' ' || is_special(c)) {
            ++i;
            continue;
        }
        const std::size_t start = i;
        while (i < source.size() && source[i] != ' ' && !is_special(source[i])) ++i;
        const std::string word = source.substr(start, i - start);
        // Most words recur in many patterns: normalise each once per load.
        auto [split, added] = ctx.state().split_words.try_emplace(word, false);
        if (added) split->second = normalize(word).clauses.size() > 1;
        if (!split->second) continue;
        ctx.warning(code::unmatchable_word, ctx.in_scalar(scalar, start),
                    "'" + word + "' is split in two by normalisation (as \"" + normalised(word) +
                        "\"), and a pattern matches inside one part only",
                    "write the words with a space between them, or match each part in its own pattern");
    }
}

}  // namespace

void lint_pattern(const YAML::Node& scalar, FileContext& ctx) {
    const std::string& source = scalar.Scalar();
    const auto at = source.find_first_not_of(' ');
    if (at == std::string::npos) return;
    if (std::string_view(source).substr(at).starts_with("re:")) {
        lint_regex(scalar, at + 3, ctx);
    } else {
        lint_words(scalar, ctx);
    }
}

}  // namespace reframe::loader_detail
