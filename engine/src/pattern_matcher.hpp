#pragma once
// Private: the RE2 side of PatternSet — one RE2::Set per subject string, so a clause is
// matched in one pass, plus one regex per pattern for captures (and as a fallback), each
// compiled on first use: a pattern with a big lexicon costs ~100 KB as its own RE2.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <re2/re2.h>
#include <re2/set.h>
#include <tl/expected.hpp>

#include "reframe/pattern_set.hpp"
#include "reframe/text.hpp"

namespace reframe::detail {

/// What a pattern's regex runs over.
enum class Subject {
    padded,  ///< " i am so lazy ": every token followed by one space, one leading space
    joined,  ///< Clause::joined, for user `re:` patterns
};

/// Memory RE2 may use for one pattern's program (RE2's own default).
inline constexpr std::int64_t pattern_max_mem = std::int64_t{8} << 20;
/// Memory for each combined RE2::Set: its program and the lazily built DFA states.
inline constexpr std::int64_t set_max_mem = std::int64_t{128} << 20;

/// How match() finds the patterns of a clause.
enum class Strategy {
    sets,            ///< one RE2::Set pass per subject (the single regexes only if it fails)
    single_regexes,  ///< every pattern's own regex in turn: slow; the reference for tests
};

/// Writes the padded subject of `clause` into `out`.
void padded_subject(const Clause& clause, std::string& out);

/// Thread-safety: add() and compile() before sharing; afterwards every const member may
/// run from any number of threads at once.
class PatternMatcher {
public:
    explicit PatternMatcher(Strategy strategy = Strategy::sets, std::int64_t max_mem_per_set = set_max_mem);

    /// Adds one pattern; `regex` must match exactly when `set_regex` does (it may differ
    /// in capture groups and alternation order) and compile; it is compiled on first use.
    /// Ids are assigned 0, 1, 2, …
    PatternId add(std::string set_regex, std::string regex, Subject subject);
    /// Adds a pattern whose regex, used both in the set and for captures, the caller has
    /// compiled already (a user `re:` pattern, checked at load time): it is not compiled again.
    PatternId add(std::string regex, std::unique_ptr<RE2> compiled, Subject subject);

    /// Builds the combined sets; an error message when they do not fit in memory.
    tl::expected<void, std::string> compile();
    /// What compile() would say, without building the sets when an upper bound on their
    /// size (pattern_size.hpp) leaves them well inside the memory budget; otherwise it
    /// builds them as compile() does (and keeps them). For `reframe lint`, which never
    /// matches: the matcher stays uncompiled after a bound sufficed.
    tl::expected<void, std::string> check_fits();
    /// At most how many instructions the set of `subject` compiles to (pattern_size.hpp);
    /// nullopt when some pattern's size is not known.
    std::optional<std::size_t> size_bound(Subject subject) const;
    bool compiled() const { return compiled_; }

    /// Appends the ids of every pattern matching `clause` to `out`, in no particular order.
    /// `scratch` is a buffer the caller may reuse between calls.
    void match(const Clause& clause, std::string& scratch, std::vector<PatternId>& out) const;

    Captures captures(PatternId id, const Clause& clause) const;

    /// How often a combined set failed (DFA out of memory) and the single regexes ran.
    std::size_t fallbacks() const { return fallbacks_.load(std::memory_order_relaxed); }

private:
    struct Pattern {
        std::string set_regex;
        std::string regex_source;
        Subject subject;
        mutable std::once_flag compiled;
        mutable std::unique_ptr<RE2> regex;  // set once, under `compiled`
    };
    struct SubjectSet {
        std::unique_ptr<RE2::Set> set;
        std::vector<PatternId> ids;  // set index -> pattern id
    };

    tl::expected<void, std::string> build(SubjectSet& target, Subject subject);
    const RE2& regex(const Pattern& pattern) const;
    void match_set(const SubjectSet& target, const std::string& subject, std::vector<PatternId>& out) const;

    Strategy strategy_;
    std::int64_t max_mem_per_set_;
    std::vector<std::unique_ptr<Pattern>> patterns_;  // pointers: a once_flag cannot move
    SubjectSet padded_;
    SubjectSet joined_;
    bool compiled_ = false;
    mutable std::atomic<std::size_t> fallbacks_{0};
};

/// RE2 options: bounded memory, no logging to stderr.
RE2::Options regex_options(std::int64_t max_mem);

/// Compiles one pattern's regex, or returns RE2's error message.
tl::expected<std::unique_ptr<RE2>, std::string> compile_regex(const std::string& regex);

}  // namespace reframe::detail
