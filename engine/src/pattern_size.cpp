#include "pattern_size.hpp"

#include <array>
#include <cctype>
#include <string>

namespace reframe::detail {
namespace {

/// The bytes that stand for themselves in a regex (not one of `\()[]{}|?*+^$.`).
constexpr std::array<bool, 256> plain_bytes = [] {
    std::array<bool, 256> plain{};
    plain.fill(true);
    for (const char c : std::string_view("\\()[]{}|?*+^$.")) plain[static_cast<unsigned char>(c)] = false;
    return plain;
}();

/// Recursive descent over the translator's regex grammar. Every construct is charged at
/// least what RE2's compiler emits for it before it flattens the program: one ByteRange
/// per literal byte, one Alt per choice, two for a loop (one more than RE2 needs, for the
/// Nop it adds around a loop over something that may be empty), two Captures per group,
/// one EmptyWidth per anchor; a repeat {n,m} is charged as m + 1 copies (RE2 writes out
/// m). So the sum is an upper bound.
class Bound {
public:
    explicit Bound(std::string_view regex) : text_(regex) {}

    std::optional<std::size_t> run() {
        auto total = alternation();
        if (!total || pos_ != text_.size()) return std::nullopt;
        return total;
    }

private:
    static constexpr int max_depth = 256;
    /// Far beyond any budget; a bound this large is as good as none.
    static constexpr std::size_t max_size = std::size_t{1} << 40;

    std::optional<std::size_t> alternation() {
        if (++depth_ > max_depth) return std::nullopt;
        std::size_t total = 1;
        for (;;) {
            auto branch = concatenation();
            if (!branch) return std::nullopt;
            total += *branch + 1;
            if (pos_ < text_.size() && text_[pos_] == '|') {
                ++pos_;
                continue;
            }
            break;
        }
        --depth_;
        return total;
    }

    static bool is_postfix(char c) { return c == '?' || c == '*' || c == '+' || c == '{'; }

    std::optional<std::size_t> concatenation() {
        std::size_t total = 0;
        while (pos_ < text_.size() && text_[pos_] != '|' && text_[pos_] != ')') {
            // A literal byte not repeated, the bulk of a translated regex: one instruction.
            if (plain_bytes[static_cast<unsigned char>(text_[pos_])] &&
                (pos_ + 1 == text_.size() || !is_postfix(text_[pos_ + 1]))) {
                ++total;
                ++pos_;
                continue;
            }
            auto piece = repeated();
            if (!piece) return std::nullopt;
            total += *piece;
        }
        return total;
    }

    std::optional<std::size_t> repeated() {
        auto size = atom();
        if (!size) return std::nullopt;
        while (pos_ < text_.size()) {
            const char c = text_[pos_];
            if (c == '?' || c == '*' || c == '+') {
                ++pos_;
                *size += 2;
            } else if (c == '{') {
                auto most = repeat_count();
                if (!most || *size > max_size) return std::nullopt;  // no overflow below
                *size = (*most + 1) * (*size + 2);
            } else {
                break;
            }
        }
        return size;
    }

    /// `{n}`, `{n,m}`: the most copies; nullopt for `{n,}` or anything odd.
    std::optional<std::size_t> repeat_count() {
        ++pos_;  // '{'
        std::size_t most = 0;
        bool digits = false;
        while (pos_ < text_.size() && text_[pos_] != '}') {
            const char c = text_[pos_++];
            if (c == ',') {
                most = 0;
                digits = false;
            } else if (c >= '0' && c <= '9') {
                most = most * 10 + static_cast<std::size_t>(c - '0');
                digits = true;
                if (most > 1000) return std::nullopt;  // RE2's own limit
            } else {
                return std::nullopt;
            }
        }
        if (pos_ == text_.size() || !digits) return std::nullopt;
        ++pos_;  // '}'
        return most;
    }

    std::optional<std::size_t> atom() {
        const std::string_view rest = text_.substr(pos_);
        if (rest.starts_with("(?:")) return group(3, 0);
        if (rest.starts_with("(?P<")) {
            const std::size_t close = rest.find('>');
            if (close == std::string_view::npos) return std::nullopt;
            return group(close + 1, 2);
        }
        if (rest.starts_with("[^ ]")) {
            pos_ += 4;
            return any_char_instructions;
        }
        const char c = rest.front();
        switch (c) {
            case '\\':
                if (rest.size() < 2) return std::nullopt;
                if (rest[1] == 'x') {  // RE2::QuoteMeta writes a NUL byte as \x00
                    if (!rest.substr(1).starts_with("x00")) return std::nullopt;
                    pos_ += 4;
                    return 1;
                }
                if (std::isalnum(static_cast<unsigned char>(rest[1])) != 0) return std::nullopt;  // \d, \b, …
                pos_ += 2;
                return 1;
            case '^':
            case '$':
                ++pos_;
                return 1;
            case '.':
                ++pos_;
                return any_char_instructions;
            case '(':
            case '[':
            case '?':
            case '*':
            case '+':
            case '{':
            case '}':
            case ']':
                return std::nullopt;  // a construct the translator never writes
            default:
                ++pos_;  // one byte of a literal (a UTF-8 letter is one instruction per byte)
                return 1;
        }
    }

    std::optional<std::size_t> group(std::size_t opening, std::size_t extra) {
        pos_ += opening;
        auto inside = alternation();
        if (!inside || pos_ >= text_.size() || text_[pos_] != ')') return std::nullopt;
        ++pos_;
        return *inside + extra;
    }

    std::string_view text_;
    std::size_t pos_ = 0;
    int depth_ = 0;
};

}  // namespace

std::optional<std::size_t> program_size_bound(std::string_view regex) { return Bound(regex).run(); }

}  // namespace reframe::detail
