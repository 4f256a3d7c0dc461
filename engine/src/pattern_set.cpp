#include "reframe/pattern_set.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "pattern_compiler.hpp"
#include "pattern_matcher.hpp"

namespace reframe {

namespace {

constexpr std::string_view regex_prefix = "re:";

std::size_t first_non_space(std::string_view text) {
    const std::size_t at = text.find_first_not_of(" \t\n\r\f\v");
    return at == std::string_view::npos ? text.size() : at;
}

/// Run lengths of `word`'s letters ("feel" -> 1 2 1).
std::vector<std::size_t> runs(std::string_view word) {
    std::vector<std::size_t> lengths;
    for (std::size_t i = 0; i < word.size(); ++i) {
        if (i > 0 && word[i] == word[i - 1]) {
            ++lengths.back();
        } else {
            lengths.push_back(1);
        }
    }
    return lengths;
}

/// Whether `word` could be what `token` was stretched from: same squeezed form and no
/// run of a letter longer than the token's ("so" fits "soo"; "feel" does not fit "fell").
bool stretches_to(std::string_view word, std::string_view token) {
    const auto word_runs = runs(word);
    const auto token_runs = runs(token);
    if (word_runs.size() != token_runs.size()) return false;
    for (std::size_t i = 0; i < word_runs.size(); ++i) {
        if (word_runs[i] > token_runs[i]) return false;
    }
    return true;
}

std::string join_tokens(const std::vector<Token>& tokens) {
    std::string joined;
    for (const Token& token : tokens) {
        if (!joined.empty()) joined += ' ';
        joined += token.text;
    }
    return joined;
}

}  // namespace

bool PatternMatches::matched(PatternId id, std::size_t clause) const {
    if (clause >= by_clause.size()) return false;
    return std::binary_search(by_clause[clause].begin(), by_clause[clause].end(), id);
}

bool PatternMatches::matched_anywhere(PatternId id) const {
    return std::any_of(by_clause.begin(), by_clause.end(),
                       [id](const auto& ids) { return std::binary_search(ids.begin(), ids.end(), id); });
}

struct PatternSet::Impl {
    struct Info {
        std::string source;
        std::vector<std::string> capture_names;
    };

    detail::PatternMatcher matcher;
    std::vector<Info> patterns;
    std::unordered_set<std::string> vocabulary;  // every literal word of patterns and lexicons
    std::unordered_map<std::string, std::vector<std::string>> by_squeezed;
    detail::TranslationCache translation_cache;  // only while adding; emptied by compile()

    tl::expected<PatternId, PatternError> add_regex(std::string_view source, std::size_t at);
    tl::expected<PatternId, PatternError> add_words(std::string_view source, const LexiconTable& lexicons);
    void build_vocabulary();
    void require_compiled(const char* what) const;
    const std::string* canonical_word(const std::string& token) const;
};

tl::expected<PatternId, PatternError> PatternSet::Impl::add_regex(std::string_view source, std::size_t at) {
    const std::string regex(source.substr(at));
    if (regex.empty()) return tl::make_unexpected(PatternError{at, "empty regex"});
    auto compiled = detail::compile_regex(regex);
    if (!compiled) {
        return tl::make_unexpected(PatternError{at, "bad regex: " + compiled.error()});
    }
    std::vector<std::pair<int, std::string>> groups;
    for (const auto& [name, index] : (*compiled)->NamedCapturingGroups()) {
        groups.emplace_back(index, name);
    }
    std::sort(groups.begin(), groups.end());
    Info info{std::string(source), {}};
    for (auto& [index, name] : groups) {
        if (!detail::is_capture_name(name)) {
            const std::size_t name_at = source.find("<" + name + ">");
            return tl::make_unexpected(PatternError{name_at == std::string_view::npos ? at : name_at + 1,
                                                    "bad variable name '" + name + "' (use a-z, 0-9 and _)"});
        }
        info.capture_names.push_back(std::move(name));
    }
    matcher.add(regex, std::move(*compiled), detail::Subject::joined);
    patterns.push_back(std::move(info));
    return patterns.size() - 1;
}

tl::expected<PatternId, PatternError> PatternSet::Impl::add_words(std::string_view source,
                                                                  const LexiconTable& lexicons) {
    auto translated = detail::translate_pattern(source, lexicons, &translation_cache);
    if (!translated) return tl::make_unexpected(translated.error());
    // Not compiled here: the translator's output is valid RE2 by construction, a pattern too
    // large is caught when the set compiles, and the matcher compiles the capture regex on
    // first use (compiling it here too was 41% of a load; see docs/developers.md).
    matcher.add(std::move(translated->set_regex), std::move(translated->capture_regex), detail::Subject::padded);
    vocabulary.insert(translated->words.begin(), translated->words.end());
    patterns.push_back(Info{std::string(source), std::move(translated->capture_names)});
    return patterns.size() - 1;
}

void PatternSet::Impl::build_vocabulary() {
    by_squeezed.clear();
    for (const std::string& word : vocabulary) by_squeezed[squeeze(word)].push_back(word);
    // Sorted, so an ambiguous stretch always resolves to the same word.
    for (auto& [squeezed, candidates] : by_squeezed) std::sort(candidates.begin(), candidates.end());
}

const std::string* PatternSet::Impl::canonical_word(const std::string& token) const {
    if (vocabulary.count(token) != 0) return nullptr;
    const auto found = by_squeezed.find(squeeze(token));
    if (found == by_squeezed.end()) return nullptr;
    for (const std::string& word : found->second) {
        if (stretches_to(word, token)) return &word;
    }
    return nullptr;
}

/// A set that was never given a pattern needs no compile(): a default FlowSet matches nothing.
void PatternSet::Impl::require_compiled(const char* what) const {
    if (!matcher.compiled() && !patterns.empty()) {
        throw std::logic_error(std::string("PatternSet::") + what + "() called before compile()");
    }
}

PatternSet::PatternSet() : impl_(std::make_unique<Impl>()) {}
PatternSet::~PatternSet() = default;
PatternSet::PatternSet(PatternSet&&) noexcept = default;
PatternSet& PatternSet::operator=(PatternSet&&) noexcept = default;

tl::expected<PatternId, PatternError> PatternSet::add(std::string_view source, const LexiconTable& lexicons) {
    if (impl_->matcher.compiled()) throw std::logic_error("PatternSet::add() called after compile()");
    const std::size_t at = first_non_space(source);
    if (source.substr(at).starts_with(regex_prefix)) {
        return impl_->add_regex(source, at + regex_prefix.size());
    }
    return impl_->add_words(source, lexicons);
}

tl::expected<void, PatternError> PatternSet::compile() {
    if (impl_->matcher.compiled()) return {};
    if (auto built = impl_->matcher.compile(); !built) {
        return tl::make_unexpected(PatternError{0, built.error()});
    }
    impl_->build_vocabulary();
    impl_->translation_cache = {};
    return {};
}

tl::expected<void, PatternError> PatternSet::check() {
    if (auto fits = impl_->matcher.check_fits(); !fits) {
        return tl::make_unexpected(PatternError{0, fits.error()});
    }
    if (impl_->matcher.compiled()) impl_->build_vocabulary();
    impl_->translation_cache = {};
    return {};
}

void PatternSet::canonicalize(NormalizedText& text) const {
    impl_->require_compiled("canonicalize");
    for (Clause& clause : text.clauses) {
        bool changed = false;
        for (Token& token : clause.tokens) {
            if (!token.elongated) continue;
            if (const std::string* word = impl_->canonical_word(token.text)) {
                token.text = *word;
                changed = true;
            }
        }
        if (changed) clause.joined = join_tokens(clause.tokens);
    }
}

PatternMatches PatternSet::match(const NormalizedText& text) const {
    impl_->require_compiled("match");
    PatternMatches result;
    result.by_clause.resize(text.clauses.size());
    std::string scratch;
    for (std::size_t c = 0; c < text.clauses.size(); ++c) {
        auto& ids = result.by_clause[c];
        impl_->matcher.match(text.clauses[c], scratch, ids);
        std::sort(ids.begin(), ids.end());
    }
    return result;
}

Captures PatternSet::captures(PatternId id, const Clause& clause) const { return impl_->matcher.captures(id, clause); }

const std::vector<std::string>& PatternSet::capture_names(PatternId id) const {
    return impl_->patterns.at(id).capture_names;
}

const std::string& PatternSet::source(PatternId id) const { return impl_->patterns.at(id).source; }

std::size_t PatternSet::size() const { return impl_->patterns.size(); }

}  // namespace reframe
