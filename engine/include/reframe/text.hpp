#pragma once
/// Text normalisation: what the patient wrote, reduced to the tokens patterns match on.
///
/// Thread-safety: every function here is pure and may be called from any thread.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace reframe {

/// One normalised word. `text` is lower-case NFC UTF-8 with contractions expanded
/// ("im" -> two tokens "i", "am") and runs of three or more equal letters cut to two
/// ("soooo" -> "soo"); `elongated` records that such a cut happened, so the matcher may
/// also try the fully squeezed form ("soo" -> "so").
struct Token {
    std::string text;
    bool elongated = false;
};

/// A clause: the tokens between two clause boundaries (. , ; : ! ? newline, dashes,
/// and the conjunction "but"). Patterns match inside one clause.
struct Clause {
    std::vector<Token> tokens;
    /// The tokens joined by single spaces; what `re:` patterns run over.
    std::string joined;
};

struct NormalizedText {
    std::vector<Clause> clauses;
    /// Every clause joined by " . "; handy for explain and tests.
    std::string joined() const;
    std::size_t token_count() const;
};

/// Normalises arbitrary bytes. Never throws on bad input: invalid UTF-8 sequences are
/// dropped, control and bidi-override characters are removed, everything is case-folded
/// and put in NFC, curly apostrophes become straight ones, contractions (with or without
/// the apostrophe: "i'm"/"im", "can't"/"cant", "don't"/"dont", "i've"/"ive") are expanded,
/// possessive "'s" is removed, punctuation splits clauses and is otherwise dropped.
NormalizedText normalize(std::string_view raw);

/// Squeezes every run of equal letters to one ("soo" -> "so", "feel" -> "fel").
std::string squeeze(std::string_view word);

/// Pronoun reflection for the `reflect` filter: first person becomes second person and the
/// other way round, with verb agreement ("i am" -> "you are", "i was" -> "you were",
/// "my" -> "your", "me" -> "you", "myself" -> "yourself", "you are" -> "i am").
/// Input is normalised text (lower case, contractions expanded); output likewise.
std::string reflect(std::string_view normalized);

}  // namespace reframe
