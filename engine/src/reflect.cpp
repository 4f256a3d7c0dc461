#include <algorithm>
#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "reframe/text.hpp"

namespace reframe {
namespace {

struct Swap {
    std::string_view from;
    std::string_view to;
};

// Words that turn round whatever surrounds them. "i", "you" and the forms of "be" need
// context and are handled in Reflector::reflect_word.
constexpr std::array swaps{
    Swap{"me", "you"},  Swap{"my", "your"},    Swap{"mine", "yours"},      Swap{"myself", "yourself"},
    Swap{"your", "my"}, Swap{"yours", "mine"}, Swap{"yourself", "myself"},
};

// Between a subject and its verb these keep the agreement: "i really was" -> "you really were".
constexpr auto adverbs = std::to_array<std::string_view>({
    "not",       "really",  "just",     "so",        "always",   "never",   "also",       "still",
    "even",      "only",    "actually", "truly",     "honestly", "totally", "completely", "literally",
    "basically", "already", "ever",     "sometimes", "often",    "usually", "definitely", "probably",
});

// "you" before one of these is the subject: "you never listen" -> "i never listen".
constexpr auto subject_followers = std::to_array<std::string_view>({
    "are",   "were",  "was",    "have", "had",      "has",  "do",      "did",   "does",   "will", "would",
    "can",   "could", "should", "must", "might",    "may",  "shall",   "never", "always", "just", "really",
    "still", "also",  "even",   "only", "actually", "know", "think",   "feel",  "said",   "say",  "want",
    "need",  "keep",  "make",   "made", "get",      "got",  "look",    "seem",  "hate",   "love", "told",
    "tell",  "see",   "go",     "went", "tried",    "mean", "deserve",
});

// "you" after one of these starts a clause of its own: "because you said so" -> "because i said so".
constexpr auto conjunctions = std::to_array<std::string_view>({
    "and",   "or", "but",    "so",       "because", "cause", "when", "if",   "that", "then",    "since",  "while",
    "until", "as", "though", "although", "where",   "why",   "how",  "what", "who",  "whether", "unless", "once",
});

// A clause-initial auxiliary before "you" asks a question: "are you ok" -> "am i ok".
constexpr auto auxiliaries =
    std::to_array<std::string_view>({"am", "are", "was", "were", "do", "did", "does", "have", "has", "had", "can",
                                     "could", "would", "will", "should", "shall"});

constexpr auto question_words =
    std::to_array<std::string_view>({"what", "why", "how", "when", "where", "who", "which"});

template <std::size_t n>
bool contains(const std::array<std::string_view, n>& list, std::string_view word) {
    return std::find(list.begin(), list.end(), word) != list.end();
}

bool is_number(std::string_view word) { return !word.empty() && word[0] >= '0' && word[0] <= '9'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_boundary(std::string_view word) {
    return word == "." || word == "," || word == ";" || word == "!" || word == "?";
}

enum class Person { none, first, second };

/// One left-to-right pass; every input word yields exactly one output word, so nothing is
/// swapped twice ("me" -> "you" is never turned back into "i").
class Reflector {
public:
    explicit Reflector(std::string_view text) {
        std::size_t i = 0;
        while (i < text.size()) {
            while (i < text.size() && is_space(text[i])) ++i;
            const std::size_t start = i;
            while (i < text.size() && !is_space(text[i])) ++i;
            if (i > start) words_.push_back(text.substr(start, i - start));
        }
    }

    std::string run() {
        std::string out;
        out.reserve(words_.size() * 6 + 8);
        for (std::size_t i = 0; i < words_.size(); ++i) {
            if (i > 0) out.push_back(' ');
            // Normalisation reads "can't" as "can not"; said back, "cannot" reads naturally.
            if (word(i) == "can" && word(i + 1) == "not") {
                out += "cannot";
                ++i;
                continue;
            }
            out += reflect_word(i);
        }
        return out;
    }

private:
    std::string_view word(std::size_t i) const { return i < words_.size() ? words_[i] : std::string_view{}; }
    std::string_view prev(std::size_t i) const { return i > 0 ? words_[i - 1] : std::string_view{}; }
    bool clause_start(std::size_t i) const { return i == 0 || is_boundary(words_[i - 1]); }

    /// Whether word `i` opens a question: first in its clause or right after "what", "why", …
    bool opens_question(std::size_t i) const { return clause_start(i) || contains(question_words, prev(i)); }

    bool you_is_subject(std::size_t i) const {
        if (clause_start(i) || contains(subject_followers, word(i + 1)) || contains(conjunctions, prev(i))) {
            return true;
        }
        return contains(auxiliaries, prev(i)) && opens_question(i - 1);
    }

    std::string_view reflect_word(std::size_t i) {
        const std::string_view w = words_[i];
        const Person person = person_;
        person_ = Person::none;
        if (w == "i") {
            person_ = Person::first;
            return "you";
        }
        if (w == "you") {
            if (!you_is_subject(i)) return "me";
            person_ = Person::second;
            return "i";
        }
        if (w == "am") return is_number(prev(i)) ? w : "are";  // "9 am" is a time
        if (w == "was") return person == Person::first || (word(i + 1) == "i" && opens_question(i)) ? "were" : w;
        if (w == "are" || w == "were") {
            const bool turn = person == Person::second || (word(i + 1) == "you" && opens_question(i));
            return !turn ? w : w == "are" ? "am" : "was";
        }
        for (const auto& swap : swaps) {
            if (w == swap.from) return swap.to;
        }
        if (contains(adverbs, w)) person_ = person;
        return w;
    }

    std::vector<std::string_view> words_;
    Person person_ = Person::none;  // the subject just reflected, for verb agreement
};

}  // namespace

std::string reflect(std::string_view normalized) { return Reflector(normalized).run(); }

}  // namespace reframe
