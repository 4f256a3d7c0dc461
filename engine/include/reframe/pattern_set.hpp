#pragma once
/// Every pattern of a flow set, compiled once at load time into RE2 programs and matched
/// against a whole message in one pass (RE2::Set), in time linear in the input.
///
/// Pattern language (over normalised tokens, inside one clause, anywhere unless anchored):
///   word          the word itself (normalised like the input: "i'm" means "i am")
///   *             any number of words, possibly none
///   *name         one or more words, captured into variable `name`
///   *~3           at most three words (a short gap)
///   {lexicon}     any entry of the named lexicon, captured into variable `lexicon`
///   [a|b c]       optional: nothing, or one of the alternatives
///   (a|b c)       exactly one of the alternatives
///   ^  $          the start / end of the clause
///   re:REGEX      an RE2 regular expression over the clause text (tokens joined by one
///                 space); named groups (?P<name>...) become captures
///
/// Thread-safety: after compile(), a PatternSet is immutable and match() may run from
/// any number of threads at once.

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <tl/expected.hpp>

#include "reframe/text.hpp"

namespace reframe {

/// A named list of words and phrases, each entry already normalised to space-joined tokens.
struct Lexicon {
    std::string name;
    std::vector<std::string> entries;
};

using LexiconTable = std::unordered_map<std::string, Lexicon>;

struct PatternError {
    std::size_t offset = 0;  // byte offset in the pattern source
    std::string message;     // short, lower case
};

using PatternId = std::size_t;

/// Which patterns matched which clause.
struct PatternMatches {
    /// by_clause[c] is the sorted list of pattern ids that matched clause c.
    std::vector<std::vector<PatternId>> by_clause;
    bool matched(PatternId id, std::size_t clause) const;
    bool matched_anywhere(PatternId id) const;
};

using Captures = std::map<std::string, std::string>;

class PatternSet {
public:
    PatternSet();
    ~PatternSet();
    PatternSet(PatternSet&&) noexcept;
    PatternSet& operator=(PatternSet&&) noexcept;

    /// Parses and adds one pattern. Unknown lexicons, unbalanced brackets, empty
    /// alternatives and bad regexes are errors.
    tl::expected<PatternId, PatternError> add(std::string_view source, const LexiconTable& lexicons);

    /// Builds the combined matcher; call once, after the last add().
    tl::expected<void, PatternError> compile();

    /// Reports exactly what compile() would, but does not build the matcher when an upper
    /// bound on its size shows it fits (for `reframe lint`, which never matches: building
    /// it is most of a lint's time). The set may then stay uncompiled, and match() and
    /// canonicalize() throw std::logic_error.
    tl::expected<void, PatternError> check();

    /// Rewrites elongated tokens ("soo") to a known word ("so") when the squeezed forms
    /// agree and the token itself is not a known word; then every clause's joined text.
    void canonicalize(NormalizedText& text) const;

    PatternMatches match(const NormalizedText& text) const;

    /// The captures of pattern `id` in clause `clause` (empty when it has none).
    Captures captures(PatternId id, const Clause& clause) const;

    /// The names a pattern captures into (for the validator).
    const std::vector<std::string>& capture_names(PatternId id) const;
    const std::string& source(PatternId id) const;
    std::size_t size() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace reframe
