#include "reframe/json_string.hpp"

#include <array>
#include <cstdint>

#include <utf8proc.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "swar.hpp"

namespace reframe {
namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD

/// Length of the valid UTF-8 sequence starting at `i` (no overlong forms, surrogates or
/// code points past U+10FFFF: utf8proc's checks), or 0 when it is not valid.
std::size_t utf8_length(std::string_view s, std::size_t i) {
    utf8proc_int32_t code_point = 0;
    const auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                                    static_cast<utf8proc_ssize_t>(s.size() - i), &code_point);
    return n > 0 ? static_cast<std::size_t>(n) : 0;
}

void append_escaped_control(std::string& out, unsigned char c) {
    static constexpr char hex[] = "0123456789abcdef";
    out += "\\u00";
    out += hex[c >> 4U];
    out += hex[c & 0xFU];
}

/// The bytes that are copied as they are: printable ASCII but the quote and the backslash
/// (control characters and DEL are escaped; bytes from 0x80 start UTF-8 sequences).
constexpr auto plain_bytes = [] {
    std::array<bool, 256> plain{};
    for (unsigned c = 0x20; c < 0x7F; ++c) plain[c] = c != '"' && c != '\\';
    return plain;
}();

bool plain(char c) { return plain_bytes[static_cast<unsigned char>(c)]; }

/// plain() for the 8 bytes at `p` at once: none is a control character, a quote, a
/// backslash, DEL or from 0x80.
bool plain8(const char* p) {
    const std::uint64_t x = swar::load8(p);
    return ((x & swar::highs) | swar::bytes_below(x, 0x20) | swar::bytes_equal(x, '"') | swar::bytes_equal(x, '\\') |
            swar::bytes_equal(x, 0x7F)) == 0;
}

/// Where the run of plain() bytes that starts at `from` ends.
std::size_t plain_run(std::string_view text, std::size_t from) {
    std::size_t run = from;
#if defined(__SSE2__)
    // 16 bytes at a time (every x86-64 has SSE2): a byte below 0x20 or from 0x80 (both below
    // 0x20 when compared as signed), DEL, the quote or the backslash ends the run.
    const __m128i space = _mm_set1_epi8(0x20), del = _mm_set1_epi8(0x7F);
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
    while (run + 16 <= text.size()) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + run));
        const __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(v, space), _mm_cmpeq_epi8(v, del)),
                                             _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
        if (const int mask = _mm_movemask_epi8(special); mask != 0) {
            return run + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
        }
        run += 16;
    }
#endif
    while (run + 8 <= text.size() && plain8(text.data() + run)) run += 8;
    while (run < text.size() && plain(text[run])) ++run;
    return run;
}

void append_special(std::string& out, unsigned char c) {
    switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\r':
            out += "\\r";
            break;
        default:
            append_escaped_control(out, c);
    }
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
    out.reserve(out.size() + text.size() + 2);  // the usual case, with nothing to escape
    out += '"';
    std::size_t i = 0;
    while (i < text.size()) {
        // Copy a run of characters that need no escaping in one go.
        const std::size_t run = plain_run(text, i);
        out.append(text.data() + i, run - i);
        i = run;
        if (i == text.size()) break;
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x80) {
            const std::size_t n = utf8_length(text, i);
            out += n == 0 ? replacement : text.substr(i, n);
            i += n == 0 ? 1 : n;
        } else {
            append_special(out, c);
            ++i;
        }
    }
    out += '"';
}

}  // namespace reframe
