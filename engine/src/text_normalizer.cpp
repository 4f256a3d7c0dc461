#include <algorithm>
#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "reframe/text.hpp"
#include "text_contractions.hpp"
#include "text_unicode.hpp"

namespace reframe {
namespace {

using text_detail::Contraction;

/// For each byte: 0 when it cannot be part of a word, else the byte lower-cased. Words
/// are ASCII letters and digits plus every non-ASCII byte (after fold_text() only
/// letters, marks and digits remain outside ASCII). One table lookup per byte keeps the
/// hot loop short.
constexpr std::array<char, 256> word_bytes = [] {
    std::array<char, 256> table{};
    for (std::size_t b = 0; b < table.size(); ++b) {
        if ((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b >= 0x80) table[b] = static_cast<char>(b);
        if (b >= 'A' && b <= 'Z') table[b] = static_cast<char>(b - 'A' + 'a');
    }
    return table;
}();

char word_byte(char c) { return word_bytes[static_cast<unsigned char>(c)]; }
bool is_word_byte(char c) { return word_byte(c) != 0; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_space(char c) { return c == ' ' || c == '\t'; }

bool is_but(std::string_view word) { return word.size() == 3 && word[0] == 'b' && word[1] == 'u' && word[2] == 't'; }

/// Whether `word` may hold more than `keep` equal letters in a row: the cheap check that
/// lets almost every ASCII word skip limit_letter_runs' code point walk.
bool may_have_run(std::string_view word, int keep) {
    int run = 1;
    for (std::size_t i = 0; i < word.size(); ++i) {
        if (static_cast<unsigned char>(word[i]) >= 0x80) return true;  // multi-byte letters: walk
        run = i > 0 && word[i] == word[i - 1] ? run + 1 : 1;
        if (run > keep) return true;
    }
    return false;
}

bool same_bytes(const std::string& word, std::size_t a, std::size_t b, std::size_t len) {
    for (std::size_t k = 0; k < len; ++k) {
        if (word[a + k] != word[b + k]) return false;
    }
    return true;
}

/// Keeps at most `keep` equal letters in a row, in place; returns whether anything was cut.
/// Works on code points so "ééé" is a run too; digits are never cut ("1000").
bool limit_letter_runs(std::string& word, int keep) {
    if (!may_have_run(word, keep)) return false;
    std::size_t out = 0;
    std::size_t prev = 0;  // start of the last code point written
    std::size_t prev_len = 0;
    int run = 0;
    bool cut = false;
    for (std::size_t i = 0; i < word.size();) {
        const std::size_t len = std::min(text_detail::utf8_length(word[i]), word.size() - i);
        run = prev_len == len && same_bytes(word, prev, i, len) ? run + 1 : 1;
        if (run > keep && text_detail::starts_with_letter(std::string_view(word).substr(i, len))) {
            cut = true;
        } else {
            for (std::size_t k = 0; out != i && k < len; ++k) word[out + k] = word[i + k];
            prev = out;
            prev_len = len;
            out += len;
        }
        i += len;
    }
    word.resize(out);
    return cut;
}

/// Splits the normalised byte stream into clauses of tokens in one pass.
class Tokenizer {
public:
    explicit Tokenizer(std::string_view text) : text_(text) {}

    NormalizedText run() {
        result_.clauses.reserve(4);
        for (std::size_t i = 0; i < text_.size(); ++i) i = on_byte(i);
        end_clause();
        return std::move(result_);
    }

private:
    std::size_t on_byte(std::size_t i) {
        const char c = text_[i];
        if (is_word_byte(c)) return on_word(i);
        switch (c) {
            case '.':
            case ',':
            case ':':
            case ';':
            case '!':
            case '?':
            case '\n':
            case '\r':
                end_clause();
                return i;
            case '-':
                return on_hyphen(i);
            default:  // spaces, quotes, brackets, slashes and other punctuation split words
                return i;
        }
    }

    /// Takes the word starting at `i` in one go; returns the index of its last byte.
    std::size_t on_word(std::size_t i) {
        word_.clear();
        std::size_t end = i;
        for (;;) {
            const std::size_t start = end;
            while (end < text_.size() && is_word_byte(text_[end])) ++end;
            word_.append(text_.data() + start, end - start);
            for (std::size_t k = word_.size() - (end - start); k < word_.size(); ++k) word_[k] = word_byte(word_[k]);
            if (end == text_.size() || !continues_word(end)) break;
            word_.push_back(text_[end] == '`' ? '\'' : text_[end]);
            ++end;
        }
        finish_word();
        return end - 1;
    }

    /// Apostrophes stay inside a word ("don't", not "'quoted'"), and ". , :" between digits
    /// keep numbers whole ("2.5", "10,000", "3:30").
    bool continues_word(std::size_t at) const {
        const char c = text_[at];
        const bool next_is_word = at + 1 < text_.size() && is_word_byte(text_[at + 1]);
        if (c == '\'' || c == '`') return next_is_word;
        if (c == '.' || c == ',' || c == ':') return next_is_word && is_digit(text_[at - 1]) && is_digit(text_[at + 1]);
        return false;
    }

    /// "--" and a hyphen standing alone between spaces are dashes and end a clause;
    /// a hyphen inside text only splits words ("twenty-minute").
    std::size_t on_hyphen(std::size_t i) {
        std::size_t last = i;
        while (last + 1 < text_.size() && text_[last + 1] == '-') ++last;
        bool dash = last > i;
        if (!dash) {
            const bool space_before = i == 0 || is_space(text_[i - 1]);
            const bool space_after = i + 1 == text_.size() || is_space(text_[i + 1]);
            dash = space_before && space_after;
        }
        if (dash) {
            end_clause();
        } else {
            finish_word();
        }
        return last;
    }

    void finish_word() {
        if (word_.empty()) return;
        const bool elongated = limit_letter_runs(word_, 2);
        if (is_but(word_) || (elongated && is_but(squeeze(word_)))) {
            word_.clear();
            end_clause();
            return;
        }
        expand(word_, elongated);
        word_.clear();
    }

    void expand(const std::string& word, bool elongated) {
        const Contraction* contraction = text_detail::find_contraction(word);
        if (contraction == nullptr && elongated) contraction = text_detail::find_contraction(squeeze(word));
        if (contraction != nullptr) {
            emit_expansion(*contraction);
            return;
        }
        if (word.find('\'') == std::string::npos) {
            emit(word, elongated);
            return;
        }
        const auto* rule = text_detail::find_contraction_suffix(word);
        const std::string_view stem =
            rule != nullptr ? std::string_view(word).substr(0, word.size() - rule->suffix.size()) : word;
        std::string bare;  // any other apostrophe is dropped: "o'clock" -> "oclock"
        bare.reserve(stem.size());
        for (const char c : stem) {
            if (c != '\'') bare.push_back(c);
        }
        // Dropping an apostrophe can join two runs: "ss'ss" -> "ssss".
        const bool joined_run = limit_letter_runs(bare, 2);
        if (!bare.empty()) emit(bare, elongated || joined_run);
        if (rule != nullptr && !rule->expansion.empty()) emit(rule->expansion, false);
    }

    void emit_expansion(const Contraction& contraction) {
        std::string_view rest = contraction.expansion;
        bool first = true;
        while (!rest.empty()) {
            const auto space = rest.find(' ');
            std::string_view word = rest.substr(0, space);
            rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
            if (first && contraction.agrees_with_subject) word = agreeing_be(word);
            first = false;
            emit(word, false);
        }
    }

    /// "i ain't" -> "i am not", "they ain't" -> "they are not", otherwise "is not".
    std::string_view agreeing_be(std::string_view fallback) const {
        if (!clause_open_) return fallback;
        const std::string& subject = result_.clauses.back().tokens.back().text;
        if (subject == "i") return "am";
        if (subject == "you" || subject == "we" || subject == "they") return "are";
        return fallback;
    }

    // Tokens go straight into the clause they end up in, so nothing is moved afterwards.
    void emit(std::string_view text, bool elongated) {
        if (!clause_open_) {
            result_.clauses.emplace_back().tokens.reserve(16);
            clause_open_ = true;
        }
        Token& token = result_.clauses.back().tokens.emplace_back();
        token.text.assign(text.data(), text.size());
        token.elongated = elongated;
    }

    void end_clause() {
        finish_word();
        if (!clause_open_) return;
        clause_open_ = false;
        Clause& clause = result_.clauses.back();
        std::size_t size = clause.tokens.size() - 1;
        for (const auto& token : clause.tokens) size += token.text.size();
        clause.joined.resize(size, ' ');
        char* out = clause.joined.data();
        for (const auto& token : clause.tokens) {
            std::copy(token.text.begin(), token.text.end(), out);
            out += token.text.size() + 1;  // the space is already there
        }
    }

    std::string_view text_;
    NormalizedText result_;
    bool clause_open_ = false;
    std::string word_;
};

}  // namespace

NormalizedText normalize(std::string_view raw) {
    if (text_detail::is_plain_ascii(raw)) return Tokenizer(raw).run();
    const std::string folded = text_detail::fold_text(raw);
    return Tokenizer(folded).run();
}

std::string squeeze(std::string_view word) {
    std::string squeezed(word);
    limit_letter_runs(squeezed, 1);
    return squeezed;
}

std::string NormalizedText::joined() const {
    std::string out;
    for (const auto& clause : clauses) {
        if (!out.empty()) out += " . ";
        out += clause.joined;
    }
    return out;
}

std::size_t NormalizedText::token_count() const {
    std::size_t count = 0;
    for (const auto& clause : clauses) count += clause.tokens.size();
    return count;
}

}  // namespace reframe
