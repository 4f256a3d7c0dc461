#include "text_contractions.hpp"

#include <algorithm>
#include <array>
#include <cstddef>

namespace reframe::text_detail {
namespace {

// Kept sorted (checked at compile time) so each first letter's entries are adjacent.
// Apostrophe-less forms are listed only where they are not also ordinary words:
// "ill" (sick), "id", "were", "well", "lets", "shell", "wed", "hell" stay as they are.
constexpr std::array contractions{
    Contraction{"ain't", "is not", true},
    Contraction{"aint", "is not", true},
    Contraction{"arent", "are not"},
    Contraction{"can't", "can not"},
    Contraction{"cannot", "can not"},
    Contraction{"cant", "can not"},
    Contraction{"couldnt", "could not"},
    Contraction{"couldve", "could have"},
    Contraction{"didnt", "did not"},
    Contraction{"doesnt", "does not"},
    Contraction{"dont", "do not"},
    Contraction{"dunno", "do not know"},
    Contraction{"gimme", "give me"},
    Contraction{"gonna", "going to"},
    Contraction{"gotta", "got to"},
    Contraction{"hadnt", "had not"},
    Contraction{"hasnt", "has not"},
    Contraction{"havent", "have not"},
    Contraction{"he's", "he is"},
    Contraction{"here's", "here is"},
    Contraction{"heres", "here is"},
    Contraction{"hes", "he is"},
    Contraction{"how's", "how is"},
    Contraction{"i'm", "i am"},
    Contraction{"i'ma", "i am going to"},
    Contraction{"im", "i am"},
    Contraction{"imma", "i am going to"},
    Contraction{"isnt", "is not"},
    Contraction{"it's", "it is"},
    Contraction{"itll", "it will"},
    Contraction{"its", "it is"},
    Contraction{"ive", "i have"},
    Contraction{"kinda", "kind of"},
    Contraction{"lemme", "let me"},
    Contraction{"let's", "let us"},
    Contraction{"mustnt", "must not"},
    Contraction{"shan't", "shall not"},
    Contraction{"she's", "she is"},
    Contraction{"shes", "she is"},
    Contraction{"shouldnt", "should not"},
    Contraction{"shouldve", "should have"},
    Contraction{"sorta", "sort of"},
    Contraction{"that's", "that is"},
    Contraction{"thats", "that is"},
    Contraction{"there's", "there is"},
    Contraction{"theres", "there is"},
    Contraction{"theyd", "they would"},
    Contraction{"theyll", "they will"},
    Contraction{"theyre", "they are"},
    Contraction{"theyve", "they have"},
    Contraction{"tryna", "trying to"},
    Contraction{"wanna", "want to"},
    Contraction{"wasnt", "was not"},
    Contraction{"werent", "were not"},
    Contraction{"weve", "we have"},
    Contraction{"what's", "what is"},
    Contraction{"whats", "what is"},
    Contraction{"when's", "when is"},
    Contraction{"where's", "where is"},
    Contraction{"wheres", "where is"},
    Contraction{"who's", "who is"},
    Contraction{"whos", "who is"},
    Contraction{"why's", "why is"},
    Contraction{"won't", "will not"},
    Contraction{"wont", "will not"},
    Contraction{"wouldnt", "would not"},
    Contraction{"wouldve", "would have"},
    Contraction{"y'all", "you all"},
    Contraction{"yall", "you all"},
    Contraction{"youd", "you would"},
    Contraction{"youll", "you will"},
    Contraction{"youre", "you are"},
    Contraction{"youve", "you have"},
};

constexpr bool word_less(const Contraction& a, const Contraction& b) { return a.word < b.word; }
constexpr bool starts_with_ascii_letter(const Contraction& c) {
    return !c.word.empty() && c.word[0] >= 'a' && c.word[0] <= 'z';
}
static_assert(std::is_sorted(contractions.begin(), contractions.end(), word_less),
              "the contraction table must stay sorted by word");
static_assert(std::all_of(contractions.begin(), contractions.end(), starts_with_ascii_letter));

// Where each first letter's entries start; lookups scan one small bucket comparing
// lengths first, which keeps this hot path free of memcmp calls for most words.
constexpr std::array<std::size_t, 27> bucket_starts = [] {
    std::array<std::size_t, 27> starts{};
    for (std::size_t letter = 0; letter <= 26; ++letter) {
        std::size_t i = 0;
        while (i < contractions.size() && static_cast<std::size_t>(contractions[i].word[0] - 'a') < letter) ++i;
        starts[letter] = i;
    }
    return starts;
}();

// Tried in order; the regular apostrophe forms ("don't", "i've", "you'll") need no entry above.
constexpr std::array suffixes{
    ContractionSuffix{"n't", "not"}, ContractionSuffix{"'ve", "have"}, ContractionSuffix{"'ll", "will"},
    ContractionSuffix{"'re", "are"}, ContractionSuffix{"'d", "would"}, ContractionSuffix{"'m", "am"},
    ContractionSuffix{"'s", ""},
};

}  // namespace

const Contraction* find_contraction(std::string_view word) {
    if (word.empty() || word[0] < 'a' || word[0] > 'z') return nullptr;
    const auto letter = static_cast<std::size_t>(word[0] - 'a');
    for (std::size_t i = bucket_starts[letter]; i < bucket_starts[letter + 1]; ++i) {
        const auto& entry = contractions[i];
        if (entry.word.size() == word.size() && entry.word == word) return &entry;
    }
    return nullptr;
}

const ContractionSuffix* find_contraction_suffix(std::string_view word) {
    for (const auto& rule : suffixes) {
        if (word.size() > rule.suffix.size() && word.ends_with(rule.suffix)) return &rule;
    }
    return nullptr;
}

}  // namespace reframe::text_detail
