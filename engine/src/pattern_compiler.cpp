#include "pattern_compiler.hpp"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <re2/re2.h>

#include "reframe/diagnostic.hpp"
#include "reframe/text.hpp"

namespace reframe::detail {
namespace {

/// Deeper bracket nesting than this is surely a mistake; it also bounds the recursion.
constexpr std::size_t max_nesting = 16;

/// One or more words, any words: the building blocks of the wildcards.
constexpr std::string_view any_word = "(?:[^ ]+ )";

/// A class that matches no character: what an empty lexicon becomes.
constexpr std::string_view never = "[^\\x00-\\x{10ffff}]";

enum class Mode { set, capture };

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

bool is_special(char c) { return std::string_view("*{}[]()|^$").find(c) != std::string_view::npos; }

bool is_word_char(char c) { return !is_space(c) && !is_special(c); }

std::string quote(char c) { return std::string("'") + c + "'"; }

std::vector<std::string> lexicon_names(const LexiconTable& lexicons) {
    std::vector<std::string> names;
    names.reserve(lexicons.size());
    for (const auto& [name, lexicon] : lexicons) names.push_back(name);
    std::sort(names.begin(), names.end());
    return names;
}

/// Recursive-descent translation of one pattern; run once per Mode.
/// The entries as one alternation of space-terminated token sequences; their tokens go
/// to `words` when it is given.
std::string render_entries(const Lexicon& lexicon, Mode mode, std::vector<std::string>* words) {
    std::vector<std::string> rendered;
    rendered.reserve(lexicon.entries.size());
    for (const std::string& entry : lexicon.entries) {
        std::string regex;
        for (const std::string& token : entry_tokens(entry)) {
            regex += RE2::QuoteMeta(token) + " ";
            if (words != nullptr) words->push_back(token);
        }
        if (!regex.empty()) rendered.push_back(std::move(regex));
    }
    if (rendered.empty()) return std::string(never);
    const auto longest_first = [](const std::string& a, const std::string& b) {
        return a.size() != b.size() ? a.size() > b.size() : a < b;
    };
    if (mode == Mode::capture) {
        std::sort(rendered.begin(), rendered.end(), longest_first);
    } else {
        std::sort(rendered.begin(), rendered.end());
    }
    rendered.erase(std::unique(rendered.begin(), rendered.end()), rendered.end());
    std::string alternation;
    for (const std::string& regex : rendered) {
        if (!alternation.empty()) alternation += '|';
        alternation += regex;
    }
    return "(?:" + alternation + ")";
}

class Translator {
public:
    Translator(std::string_view source, const LexiconTable& lexicons, Mode mode, TranslationCache* cache)
        : source_(source), lexicons_(lexicons), mode_(mode), cache_(cache) {}

    tl::expected<std::string, PatternError> run();

    std::vector<std::string> capture_names;
    std::vector<std::string> words;

private:
    bool sequence(std::string& out, std::size_t depth, std::size_t& elements);
    bool element(std::string& out, std::size_t depth);
    bool group(std::string& out, std::size_t depth);
    bool star(std::string& out);
    bool lexicon(std::string& out);
    bool word(std::string& out);
    bool end_anchor(std::size_t depth);
    void append_lexicon(std::string& out, const std::string& name, const Lexicon& lexicon);
    std::string open_capture(const std::string& name);
    bool fail(std::size_t offset, std::string message);
    bool at_end() const { return pos_ >= source_.size(); }
    char peek() const { return source_[pos_]; }
    void skip_spaces() {
        while (!at_end() && is_space(peek())) ++pos_;
    }

    std::string_view source_;
    const LexiconTable& lexicons_;
    Mode mode_;
    TranslationCache* cache_;
    std::size_t pos_ = 0;
    bool anchored_end_ = false;
    std::optional<PatternError> error_;
};

tl::expected<std::string, PatternError> Translator::run() {
    skip_spaces();
    const bool anchored_start = !at_end() && peek() == '^';
    if (anchored_start) ++pos_;
    std::string body;
    std::size_t elements = 0;
    if (sequence(body, 0, elements) && !at_end()) {
        const char c = peek();
        fail(pos_, c == '|' ? "'|' outside brackets" : "unmatched " + quote(c));
    }
    if (!error_ && elements == 0) fail(0, "empty pattern");
    if (error_) return tl::make_unexpected(*error_);
    return (anchored_start ? "^ " : " ") + body + (anchored_end_ ? "$" : "");
}

/// Elements up to `|`, `]`, `)` or the end; `elements` counts them.
bool Translator::sequence(std::string& out, std::size_t depth, std::size_t& elements) {
    for (skip_spaces(); !at_end(); skip_spaces()) {
        const char c = peek();
        if (c == '|' || c == ']' || c == ')') return true;
        if (c == '$') return end_anchor(depth);
        if (!element(out, depth)) return false;
        ++elements;
    }
    return true;
}

bool Translator::end_anchor(std::size_t depth) {
    const std::size_t at = pos_++;
    skip_spaces();
    if (depth > 0 || !at_end()) return fail(at, "'$' only at the end of a pattern");
    anchored_end_ = true;
    return true;
}

bool Translator::element(std::string& out, std::size_t depth) {
    switch (peek()) {
        case '[':
        case '(':
            return group(out, depth);
        case '*':
            return star(out);
        case '{':
            return lexicon(out);
        case '^':
            return fail(pos_, "'^' only at the start of a pattern");
        case '}':
            return fail(pos_, "unmatched '}'");
        default:
            return word(out);
    }
}

bool Translator::group(std::string& out, std::size_t depth) {
    const std::size_t open_at = pos_;
    const char open = source_[pos_++];
    const char close = open == '[' ? ']' : ')';
    if (depth + 1 >= max_nesting) return fail(open_at, "brackets nested too deeply");
    // Written straight into `out` (a lexicon's alternation can be kilobytes long); on a
    // failure the whole translation is thrown away.
    out += "(?:";
    for (bool first = true;; first = false) {
        if (!first) out += '|';
        std::size_t elements = 0;
        if (!sequence(out, depth + 1, elements)) return false;
        if (at_end()) return fail(open_at, "unclosed " + quote(open));
        if (elements == 0) return fail(pos_, "empty alternative");
        const char c = source_[pos_];
        if (c == '|') {
            ++pos_;
            continue;
        }
        if (c != close) return fail(pos_, quote(c) + " does not close " + quote(open));
        ++pos_;
        break;
    }
    out += open == '[' ? ")?" : ")";
    return true;
}

bool Translator::star(std::string& out) {
    const std::size_t at = pos_++;
    if (!at_end() && peek() == '~') {
        const std::size_t digits_at = ++pos_;
        while (!at_end() && is_word_char(peek())) ++pos_;
        const std::string_view digits = source_.substr(digits_at, pos_ - digits_at);
        const bool numeric =
            !digits.empty() && std::all_of(digits.begin(), digits.end(), [](char d) { return d >= '0' && d <= '9'; });
        if (!numeric) return fail(at, "'*~' needs a number of words");
        if (digits.size() > 2 || std::stoi(std::string(digits)) > max_gap_words) {
            return fail(at, "gap longer than " + std::to_string(max_gap_words) + " words");
        }
        out += std::string(any_word) + "{0," + std::string(digits) + "}";
        return true;
    }
    const std::size_t name_at = pos_;
    while (!at_end() && is_word_char(peek())) ++pos_;
    const std::string name(source_.substr(name_at, pos_ - name_at));
    if (name.empty()) {
        out += std::string(any_word) + "*";
        return true;
    }
    if (!is_capture_name(name)) {
        return fail(name_at, "bad variable name '" + name + "' (use a-z, 0-9 and _)");
    }
    out += open_capture(name) + std::string(any_word) + "+)";
    return true;
}

bool Translator::lexicon(std::string& out) {
    const std::size_t at = pos_++;
    const std::size_t name_at = pos_;
    while (!at_end() && is_word_char(peek())) ++pos_;
    if (at_end() || peek() != '}') return fail(at, "unclosed '{'");
    const std::string name(source_.substr(name_at, pos_ - name_at));
    ++pos_;
    if (name.empty()) return fail(at, "empty lexicon name");
    if (!is_capture_name(name)) {
        return fail(name_at, "bad lexicon name '" + name + "' (use a-z, 0-9 and _)");
    }
    const auto found = lexicons_.find(name);
    if (found == lexicons_.end()) {
        std::string message = "unknown lexicon '" + name + "'";
        const std::string suggestion = did_you_mean(name, lexicon_names(lexicons_));
        if (!suggestion.empty()) message += " (did you mean '" + suggestion + "'?)";
        return fail(name_at, std::move(message));
    }
    out += open_capture(name);
    append_lexicon(out, name, found->second);
    out += ')';
    return true;
}

void Translator::append_lexicon(std::string& out, const std::string& name, const Lexicon& lexicon) {
    if (cache_ == nullptr) {
        out += render_entries(lexicon, mode_, mode_ == Mode::capture ? &words : nullptr);
        return;
    }
    TranslationCache::Rendered& slot = cache_->lexicons[name];
    if (slot.set_alternation.empty() || slot.entries != lexicon.entries) {
        slot.entries = lexicon.entries;
        slot.words.clear();
        slot.set_alternation = render_entries(lexicon, Mode::set, nullptr);
        slot.capture_alternation = render_entries(lexicon, Mode::capture, &slot.words);
    }
    if (mode_ == Mode::set) {
        out += slot.set_alternation;
        return;
    }
    words.insert(words.end(), slot.words.begin(), slot.words.end());
    out += slot.capture_alternation;
}

TranslationCache::Word normalized_word(std::string_view raw) {
    TranslationCache::Word word;
    for (const Clause& clause : normalize(raw).clauses) {
        for (const Token& token : clause.tokens) {
            word.regex += RE2::QuoteMeta(token.text) + " ";
            word.tokens.push_back(token.text);
        }
    }
    return word;
}

bool Translator::word(std::string& out) {
    const std::size_t at = pos_;
    while (!at_end() && is_word_char(peek())) ++pos_;
    const std::string_view raw = source_.substr(at, pos_ - at);
    std::optional<TranslationCache::Word> uncached;
    const TranslationCache::Word* word = nullptr;
    if (cache_ != nullptr) {
        auto found = cache_->words.find(std::string(raw));
        if (found == cache_->words.end()) found = cache_->words.emplace(raw, normalized_word(raw)).first;
        word = &found->second;
    } else {
        word = &uncached.emplace(normalized_word(raw));
    }
    if (word->tokens.empty()) {
        return fail(at, "'" + std::string(raw) + "' is removed by normalisation and never matches");
    }
    out += word->regex;
    if (mode_ == Mode::capture) words.insert(words.end(), word->tokens.begin(), word->tokens.end());
    return true;
}

/// Only the first use of a name captures: RE2 rejects duplicate group names.
std::string Translator::open_capture(const std::string& name) {
    const bool first = std::find(capture_names.begin(), capture_names.end(), name) == capture_names.end();
    if (first) capture_names.push_back(name);
    return mode_ == Mode::capture && first ? "(?P<" + name + ">" : "(?:";
}

bool Translator::fail(std::size_t offset, std::string message) {
    if (!error_) error_ = PatternError{offset, std::move(message)};
    return false;
}

}  // namespace

bool is_capture_name(std::string_view name) {
    if (name.empty()) return false;
    const auto lower = [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; };
    if (!lower(name.front())) return false;
    return std::all_of(name.begin(), name.end(), [&](char c) { return lower(c) || (c >= '0' && c <= '9'); });
}

std::vector<std::string> entry_tokens(std::string_view entry) {
    std::vector<std::string> tokens;
    std::size_t pos = 0;
    while (pos < entry.size()) {
        while (pos < entry.size() && is_space(entry[pos])) ++pos;
        const std::size_t start = pos;
        while (pos < entry.size() && !is_space(entry[pos])) ++pos;
        if (pos > start) tokens.emplace_back(entry.substr(start, pos - start));
    }
    return tokens;
}

tl::expected<TranslatedPattern, PatternError> translate_pattern(std::string_view source, const LexiconTable& lexicons,
                                                                TranslationCache* cache) {
    Translator for_capture(source, lexicons, Mode::capture, cache);
    auto capture_regex = for_capture.run();
    if (!capture_regex) return tl::make_unexpected(capture_regex.error());
    Translator for_set(source, lexicons, Mode::set, cache);
    auto set_regex = for_set.run();
    if (!set_regex) return tl::make_unexpected(set_regex.error());
    return TranslatedPattern{std::move(*set_regex), std::move(*capture_regex), std::move(for_capture.capture_names),
                             std::move(for_capture.words)};
}

}  // namespace reframe::detail
