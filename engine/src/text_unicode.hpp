#pragma once
/// Unicode helpers behind normalize() and the template case filters; private to the engine.

#include <cstddef>
#include <string>
#include <string_view>

namespace reframe::text_detail {

/// True when every byte is printable ASCII, a tab or a line break: such text needs no
/// fold_text() pass because the tokenizer lower-cases ASCII itself.
bool is_plain_ascii(std::string_view text);

/// Makes arbitrary bytes safe for the tokenizer: drops invalid UTF-8, control, format
/// (bidi, zero-width) and variation-selector characters; turns curly apostrophes into "'",
/// dashes into "--", the ellipsis into ".", spaces into " ", line separators into "\n", other
/// punctuation, symbols and emoji into " "; then applies NFC and case folding. What is left
/// outside ASCII is letters, marks and digits only.
std::string fold_text(std::string_view raw);

/// Length of the UTF-8 sequence starting with `lead` (1 for stray continuation bytes).
std::size_t utf8_length(char lead);

/// Whether the code point that starts `text` (valid UTF-8, non-empty) is a letter.
bool starts_with_letter(std::string_view text);

enum class CaseMapping { lower, upper, capitalize };

/// Appends `text` to `out` with its case changed; `capitalize` upper-cases the first
/// code point only.
void append_case_mapped(std::string& out, std::string_view text, CaseMapping mapping);

}  // namespace reframe::text_detail
