#include "text_unicode.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>

#include <utf8proc.h>

namespace reframe::text_detail {
namespace {

struct Replacement {
    utf8proc_int32_t code_point;
    std::string_view text;
};

// Code points checked before the category rules; sorted by code point.
constexpr std::array replacements{
    Replacement{0x00B4, "'"},     // acute accent used as an apostrophe
    Replacement{0x02BB, "'"},     // modifier letter turned comma
    Replacement{0x02BC, "'"},     // modifier letter apostrophe
    Replacement{0x037E, "?"},     // greek question mark
    Replacement{0x060C, ","},     // arabic comma
    Replacement{0x061F, "?"},     // arabic question mark
    Replacement{0x2010, "-"},     // hyphen
    Replacement{0x2011, "-"},     // non-breaking hyphen
    Replacement{0x2012, "-"},     // figure dash
    Replacement{0x2013, " -- "},  // en dash
    Replacement{0x2014, " -- "},  // em dash
    Replacement{0x2015, " -- "},  // horizontal bar
    Replacement{0x2018, "'"},     // left single quotation mark
    Replacement{0x2019, "'"},     // right single quotation mark
    Replacement{0x201B, "'"},     // single high-reversed-9 quotation mark
    Replacement{0x2026, "."},     // ellipsis
    Replacement{0x2028, "\n"},    // line separator
    Replacement{0x2029, "\n"},    // paragraph separator
    Replacement{0x2032, "'"},     // prime
    Replacement{0x203C, "!"},     // double exclamation mark
    Replacement{0x203D, "?"},     // interrobang
    Replacement{0x2047, "?"},     // double question mark
    Replacement{0x2048, "?"},     // question exclamation mark
    Replacement{0x2049, "!"},     // exclamation question mark
    Replacement{0x2212, "-"},     // minus sign
    Replacement{0x2E3A, " -- "},  // two-em dash
    Replacement{0x2E3B, " -- "},  // three-em dash
    Replacement{0x3001, ","},     // ideographic comma
    Replacement{0x3002, "."},     // ideographic full stop
    Replacement{0xFF01, "!"},     // fullwidth exclamation mark
    Replacement{0xFF07, "'"},     // fullwidth apostrophe
    Replacement{0xFF0C, ","},     // fullwidth comma
    Replacement{0xFF0D, "-"},     // fullwidth hyphen-minus
    Replacement{0xFF0E, "."},     // fullwidth full stop
    Replacement{0xFF1A, ":"},     // fullwidth colon
    Replacement{0xFF1B, ";"},     // fullwidth semicolon
    Replacement{0xFF1F, "?"},     // fullwidth question mark
};

constexpr bool code_point_less(const Replacement& a, const Replacement& b) { return a.code_point < b.code_point; }
static_assert(std::is_sorted(replacements.begin(), replacements.end(), code_point_less));

const Replacement* find_replacement(utf8proc_int32_t cp) {
    const auto* it = std::lower_bound(replacements.begin(), replacements.end(), cp,
                                      [](const Replacement& r, utf8proc_int32_t c) { return r.code_point < c; });
    return it != replacements.end() && it->code_point == cp ? &*it : nullptr;
}

bool is_variation_selector(utf8proc_int32_t cp) {
    return (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF);
}

void append_code_point(std::string& out, utf8proc_int32_t cp) {
    std::array<utf8proc_uint8_t, 4> buf{};
    const auto n = utf8proc_encode_char(cp, buf.data());
    out.append(reinterpret_cast<const char*>(buf.data()), static_cast<std::size_t>(n));
}

void append_ascii(std::string& out, char c) {
    if (c == '\t') {
        out.push_back(' ');
    } else if (c == '\n' || c == '\r') {
        out.push_back('\n');
    } else if (c >= 0x20 && c != 0x7F) {
        out.push_back(c);
    }  // other C0 controls are removed, not turned into separators
}

/// Appends what `cp` becomes; returns whether a non-ASCII code point was kept.
bool append_mapped(std::string& out, utf8proc_int32_t cp) {
    if (cp < 0x80) {
        append_ascii(out, static_cast<char>(cp));
        return false;
    }
    if (const auto* r = find_replacement(cp)) {
        out.append(r->text);
        return false;
    }
    if (is_variation_selector(cp)) return false;
    switch (utf8proc_category(cp)) {
        case UTF8PROC_CATEGORY_LU:
        case UTF8PROC_CATEGORY_LL:
        case UTF8PROC_CATEGORY_LT:
        case UTF8PROC_CATEGORY_LM:
        case UTF8PROC_CATEGORY_LO:
        case UTF8PROC_CATEGORY_MN:
        case UTF8PROC_CATEGORY_MC:
        case UTF8PROC_CATEGORY_ME:
        case UTF8PROC_CATEGORY_ND:
        case UTF8PROC_CATEGORY_NL:
        case UTF8PROC_CATEGORY_NO:
            append_code_point(out, cp);
            return true;
        case UTF8PROC_CATEGORY_CC:  // C1 controls
        case UTF8PROC_CATEGORY_CF:  // bidi controls, zero-width characters, soft hyphen, BOM
            return false;
        case UTF8PROC_CATEGORY_ZL:
        case UTF8PROC_CATEGORY_ZP:
            out.push_back('\n');
            return false;
        default:  // spaces, punctuation, symbols, emoji, private use, unassigned
            out.push_back(' ');
            return false;
    }
}

struct FreeDeleter {
    void operator()(utf8proc_uint8_t* p) const { std::free(p); }
};

}  // namespace

bool is_plain_ascii(std::string_view text) {
    constexpr auto is_plain = [](char c) { return (c >= 0x20 && c < 0x7F) || c == '\t' || c == '\n' || c == '\r'; };
    // Eight bytes at a time: flag any byte >= 0x80, < 0x20 or == 0x7F; only a flagged
    // block (usually one holding a line break) is checked byte by byte.
    constexpr std::uint64_t ones = 0x0101010101010101U;
    constexpr std::uint64_t highs = 0x8080808080808080U;
    std::size_t i = 0;
    for (; i + 8 <= text.size(); i += 8) {
        std::uint64_t x = 0;
        std::memcpy(&x, text.data() + i, sizeof x);
        const std::uint64_t del = x ^ (0x7F * ones);
        const std::uint64_t flagged = (x | ((x - 0x20 * ones) & ~x) | ((del - ones) & ~del)) & highs;
        if (flagged != 0 && !std::all_of(text.begin() + static_cast<std::ptrdiff_t>(i),
                                         text.begin() + static_cast<std::ptrdiff_t>(i + 8), is_plain)) {
            return false;
        }
    }
    return std::all_of(text.begin() + static_cast<std::ptrdiff_t>(i), text.end(), is_plain);
}

std::string fold_text(std::string_view raw) {
    std::string filtered;
    filtered.reserve(raw.size() + 8);
    bool needs_fold = false;
    const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(raw.data());
    const auto size = static_cast<utf8proc_ssize_t>(raw.size());
    for (utf8proc_ssize_t i = 0; i < size;) {
        if (bytes[i] < 0x80) {  // most of a message is ASCII even when it holds a curly quote
            append_ascii(filtered, static_cast<char>(bytes[i++]));
            continue;
        }
        utf8proc_int32_t cp = 0;
        const auto n = utf8proc_iterate(bytes + i, size - i, &cp);
        if (n <= 0) {  // invalid UTF-8: drop one byte and resynchronise
            ++i;
            continue;
        }
        i += n;
        needs_fold = append_mapped(filtered, cp) || needs_fold;
    }
    if (!needs_fold) return filtered;  // the tokenizer lower-cases ASCII itself

    utf8proc_uint8_t* folded = nullptr;
    const auto options = static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
    const auto len = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(filtered.data()),
                                  static_cast<utf8proc_ssize_t>(filtered.size()), &folded, options);
    const std::unique_ptr<utf8proc_uint8_t, FreeDeleter> owner(folded);
    if (len < 0 || folded == nullptr) return filtered;  // out of memory; unfolded is still safe
    return std::string(reinterpret_cast<const char*>(folded), static_cast<std::size_t>(len));
}

std::size_t utf8_length(char lead) {
    const auto b = static_cast<unsigned char>(lead);
    if (b >= 0xF0) return 4;
    if (b >= 0xE0) return 3;
    if (b >= 0xC0) return 2;
    return 1;
}

bool starts_with_letter(std::string_view text) {
    if (text.empty()) return false;
    const auto b = static_cast<unsigned char>(text.front());
    if (b < 0x80) return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
    utf8proc_int32_t cp = 0;
    if (utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                         static_cast<utf8proc_ssize_t>(text.size()), &cp) <= 0) {
        return false;
    }
    const auto category = utf8proc_category(cp);
    return category >= UTF8PROC_CATEGORY_LU && category <= UTF8PROC_CATEGORY_LO;
}

void append_case_mapped(std::string& out, std::string_view text, CaseMapping mapping) {
    const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
    const auto size = static_cast<utf8proc_ssize_t>(text.size());
    bool first = true;
    for (utf8proc_ssize_t i = 0; i < size;) {
        utf8proc_int32_t cp = 0;
        const auto n = utf8proc_iterate(bytes + i, size - i, &cp);
        if (n <= 0) {  // values come from normalised text, but never trust that
            ++i;
            continue;
        }
        i += n;
        const bool upper = mapping == CaseMapping::upper || (mapping == CaseMapping::capitalize && first);
        if (upper) {
            cp = utf8proc_toupper(cp);
        } else if (mapping == CaseMapping::lower) {
            cp = utf8proc_tolower(cp);
        }
        first = false;
        if (cp < 0x80) {
            out.push_back(static_cast<char>(cp));
        } else {
            append_code_point(out, cp);
        }
    }
}

}  // namespace reframe::text_detail
