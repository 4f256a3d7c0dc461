#pragma once
// Private: an upper bound on the number of RE2 instructions a translated pattern's regex
// compiles to, read from the regex text without compiling it. `reframe lint` uses it to
// know that the combined RE2::Set would fit in its memory budget without building the set
// (most of a lint's time); when the bound says it might not fit, the set is compiled.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace reframe::detail {

/// Instructions a `[^ ]` or `.` compiles to, at most, in UTF-8: RE2 writes the UTF-8
/// ranges as about a dozen ByteRanges and Alts (8 once flattened).
inline constexpr std::size_t any_char_instructions = 24;

/// At most how many instructions RE2 compiles `regex` to, for the regexes the pattern
/// translator writes: quoted literals, `(?:…)`, `(?P<name>…)`, `|`, `?`, `*`, `+`,
/// `{n,m}`, `[^ ]`, `^`, `$`. nullopt for anything else (a user `re:` regex): then no
/// bound is known.
std::optional<std::size_t> program_size_bound(std::string_view regex);

/// A conservative count of the instructions RE2 lets a program of `max_mem` bytes have:
/// 16 bytes an instruction, and a quarter of the memory (RE2's compiler allows at least
/// that many; compile.cc, Compiler::Setup).
constexpr std::size_t instruction_budget(std::int64_t max_mem) {
    return max_mem <= 0 ? 0 : static_cast<std::size_t>(max_mem) / 4 / 16;
}

}  // namespace reframe::detail
