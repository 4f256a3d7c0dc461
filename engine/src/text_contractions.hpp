#pragma once
/// Contraction tables used by normalize(); private to the engine.

#include <string_view>

namespace reframe::text_detail {

/// One whole-word contraction: `word` (lower case, apostrophes straight) reads as `expansion`.
struct Contraction {
    std::string_view word;
    std::string_view expansion;  // words separated by single spaces
    /// "ain't": the verb agrees with the token before it (i -> am, you/we/they -> are).
    bool agrees_with_subject = false;
};

/// One suffix rule for apostrophe forms the whole-word table does not list:
/// "mustn't" -> "must not", "should've" -> "should have", "mum's" -> "mum".
struct ContractionSuffix {
    std::string_view suffix;
    std::string_view expansion;  // empty: the suffix is dropped (possessive)
};

/// The whole-word entry for `word`, or nullptr.
const Contraction* find_contraction(std::string_view word);

/// The suffix rule that applies to `word` (which contains an apostrophe), or nullptr.
const ContractionSuffix* find_contraction_suffix(std::string_view word);

}  // namespace reframe::text_detail
