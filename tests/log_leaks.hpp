#pragma once
// What a log must never show, and how to look for it: messages with self-critical lines
// the bot echoes back, a name and a phone number, a crisis, a medical red flag and an
// over-long message; and a search for any 8+-character run of their words, as written,
// normalised or reflected.

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "reframe/text.hpp"

namespace reframe::testing {

struct Message {
    std::string user;
    std::string text;
};

inline const std::string ana = "@ana.lindqvist:matrix.example.org";
inline const std::string ben = "ben-0791234567";

/// Self-critical lines the bot echoes back, a name and a phone number, a crisis, a
/// medical red flag, and an over-long message: what a log must never show.
inline std::vector<Message> conversation() {
    std::string rambling;
    while (rambling.size() < 20'000) {
        rambling += "my neighbour Gwendolyn keeps asking about my fibromyalgia flare and Rosalind says I exaggerate. ";
    }
    // Each person answers the first-contact privacy question first by its option number
    // (words like "transcript" would also be part of intent names); ana and cat agree to a
    // transcript, so their words are stored: the log must still not hold them.
    return {
        {ana, "1"},
        {ben, "2"},
        {"cat", "1"},
        {"dee", "2"},
        {ana, "hello"},
        {ana, "im so useless, couldnt even finish the dishes before my back gave out"},
        {ana, "i'd tell a friend that their aching back isnt their fault"},
        {ben, "I'm a total burden, my husband Bartholomew had to cook the lasagne again"},
        {ben, "I feel like a failure because I cancelled on my sister Rosalind again"},
        {"cat", "i should be over this fibromyalgia fatigue by now"},
        {"cat", "my name is Henrietta Vandersloot and my number is +41 79 555 01 23"},
        {"cat", "honestly everyone would be better off without me"},
        {"dee", "crushing pain in my chest going down my left arm"},
        {"dee", rambling},
    };
}

inline std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

/// Words of `text`, lower case, without the punctuation around them.
inline std::vector<std::string> words(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(lower(text));
    for (std::string w; in >> w;) {
        const auto first = w.find_first_not_of(".,;:!?\"'()");
        const auto last = w.find_last_not_of(".,;:!?\"'()");
        if (first != std::string::npos) out.push_back(w.substr(first, last - first + 1));
    }
    return out;
}

/// From each word on, the shortest run of at least `min_words` words that is 8 or more
/// characters long. Any longer run in the log would contain one of these.
inline std::set<std::string> phrases(const std::string& text, std::size_t min_words = 1) {
    const auto w = words(text);
    std::set<std::string> out;
    for (std::size_t i = 0; i < w.size(); ++i) {
        std::string run;
        for (std::size_t j = i; j < w.size(); ++j) {
            run += (j > i ? " " : "") + w[j];
            if (run.size() >= 8 && j + 1 - i >= min_words) {
                out.insert(run);
                break;
            }
        }
    }
    return out;
}

/// Every phrase of the message, as written, as normalised and as reflected, found in `log`.
inline std::vector<std::string> leaks(const std::string& log, const std::vector<Message>& messages) {
    const auto haystack = lower(log);
    std::vector<std::string> found;
    for (const auto& m : messages) {
        // A reply as short as "1" (an option number) is part of any log; longer texts must
        // never appear, whole or in phrases.
        if (m.text.size() >= 8 && haystack.find(lower(m.text)) != std::string::npos) found.push_back(m.text);
        const auto normalised = normalize(m.text).joined();
        for (const auto& form : {m.text, normalised, reflect(normalised)}) {
            for (const auto& p : phrases(form)) {
                if (haystack.find(p) != std::string::npos) found.push_back(p);
            }
        }
    }
    return found;
}

/// Phrases of the replies (at least two words: single words of the bot's own prose may
/// also name a state) and of the captured variables found in `log`.
inline std::vector<std::string> reply_leaks(const std::string& log, const std::vector<std::string>& texts,
                                            std::size_t min_words) {
    const auto haystack = lower(log);
    std::vector<std::string> found;
    for (const auto& text : texts) {
        for (const auto& p : phrases(text, min_words)) {
            if (haystack.find(p) != std::string::npos) found.push_back(p);
        }
    }
    return found;
}

inline std::size_t occurrences(const std::string& log, const std::string& what) {
    std::size_t n = 0;
    for (auto at = log.find(what); at != std::string::npos; at = log.find(what, at + 1)) ++n;
    return n;
}

}  // namespace reframe::testing
