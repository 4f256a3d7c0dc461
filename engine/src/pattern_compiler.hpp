#pragma once
// Private: translates the user-facing pattern language (see pattern_set.hpp) into RE2
// syntax over the matcher's padded clause string, where every token is followed by one
// space and the string starts with one space (" i am so lazy ").

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <tl/expected.hpp>

#include "reframe/pattern_set.hpp"

namespace reframe::detail {

/// The RE2 translations of one (non-`re:`) pattern.
struct TranslatedPattern {
    /// For the RE2::Set: no named groups; lexicon entries in alphabetical order so RE2 can
    /// factor their common prefixes (the order does not change *whether* it matches).
    std::string set_regex;
    /// For captures(): named groups; lexicon entries longest first so a multiword entry
    /// wins over its own first word.
    std::string capture_regex;
    /// Capture names in order of first appearance, without duplicates.
    std::vector<std::string> capture_names;
    /// Every literal token of the pattern, for canonicalize()'s vocabulary.
    std::vector<std::string> words;
};

/// What the translations of one set's patterns share while they are added.
///
/// Lexicon alternations are rendered once and reused by later patterns that name the same
/// lexicon (a set's ~1,500 lexicon entries would otherwise be sorted and quoted for every
/// pattern). A lexicon is rendered again when its entries differ from the cached ones.
///
/// A pattern word is normalised once: the same words ("i", "feel", "am") recur in hundreds
/// of patterns, and each pattern is translated twice (set and capture). normalize() is a
/// pure function of the word, so the cached tokens are always the ones it would give.
struct TranslationCache {
    struct Rendered {
        std::vector<std::string> entries;  ///< what the alternations were rendered from
        std::string set_alternation;
        std::string capture_alternation;
        std::vector<std::string> words;  ///< the entries' tokens, for the vocabulary
    };
    struct Word {
        std::string regex;                ///< every token quoted and followed by a space
        std::vector<std::string> tokens;  ///< empty when normalisation removes the word
    };
    std::unordered_map<std::string, Rendered> lexicons;  ///< by lexicon name
    std::unordered_map<std::string, Word> words;         ///< by the word as written
};

/// Longest `*~N` gap a pattern may ask for.
inline constexpr int max_gap_words = 20;

/// Parses `source` (a pattern without the `re:` prefix handling) into RE2 syntax.
/// `cache`, when given, keeps rendered lexicons and normalised words between calls.
tl::expected<TranslatedPattern, PatternError> translate_pattern(std::string_view source, const LexiconTable& lexicons,
                                                                TranslationCache* cache = nullptr);

/// True when `name` is a valid variable name: [a-z_][a-z0-9_]*.
bool is_capture_name(std::string_view name);

/// A lexicon entry split into its tokens (extra spaces ignored).
std::vector<std::string> entry_tokens(std::string_view entry);

}  // namespace reframe::detail
