#include "tone.hpp"

#include <algorithm>
#include <cctype>

#include "loader_codes.hpp"
#include "reframe/text.hpp"
#include "yaml_fields.hpp"
#include "yaml_source.hpp"

namespace reframe::loader_detail {
namespace {

std::vector<std::string> tokens_of(std::string_view text) {
    std::vector<std::string> tokens;
    for (const auto& clause : normalize(text).clauses) {
        for (const auto& token : clause.tokens) tokens.push_back(token.text);
    }
    return tokens;
}

TonePhrase phrase(std::string text, std::string why, std::string instead) {
    auto tokens = tokens_of(text);
    return {std::move(text), std::move(tokens), std::move(why), std::move(instead)};
}

std::vector<TonePhrase> make_bundled() {
    const std::string minimise = "it makes the feeling or the effort sound small";
    const std::string order = "it gives an order, and an order from outside is easy to hear as blame";
    const std::string dismiss = "it hurries past the pain instead of staying with it";
    return {
        phrase("just", minimise, "leave it out, or say what you mean: \"for a moment\", \"only if it helps\""),
        phrase("at least", "it weighs the pain against something else so that it counts less",
               "name what is hard first: \"that sounds hard\""),
        phrase("calm down", "it tells a feeling to go away", "\"would it help to take a slow breath together?\""),
        phrase("you should", order, "invite: \"would it help to…?\", \"some people find…\""),
        phrase("you need to", order, "invite: \"would it help to…?\""),
        phrase("you have to", order, "offer a choice: \"if it feels right, you could…\""),
        phrase("you must", order, "offer a choice: \"if it feels right, you could…\""),
        phrase("everything happens for a reason", "it gives the pain a purpose the person did not choose",
               "\"this is really hard, and it makes sense that it hurts\""),
        phrase("look on the bright side", dismiss, "\"what has today been like for you?\""),
        phrase("it could be worse", "it compares the pain away", "\"this sounds really hard\""),
        phrase("stay positive", "forced positivity: it asks for a feeling the person does not have",
               "\"whatever you are feeling right now makes sense\""),
        phrase("think positive", "forced positivity: it asks for a feeling the person does not have",
               "\"whatever you are feeling right now makes sense\""),
        phrase("cheer up", "it asks for a feeling the person does not have", "\"I'm here with you in this\""),
        phrase("don't worry", "it dismisses the worry instead of hearing it",
               "\"it makes sense that this worries you\""),
        phrase("don't be so hard on yourself", "said as an order it becomes one more thing to get wrong",
               "\"what would you say to a friend in your place?\""),
        phrase("man up", "it shames the person for hurting", "\"it takes a lot to carry this\""),
        phrase("toughen up", "it shames the person for hurting", "\"it takes a lot to carry this\""),
        phrase("get over it", "it tells the person their pain has gone on too long",
               "\"it makes sense that this is still with you\""),
        phrase("snap out of it", "it treats the feeling as a choice", "\"this sounds really heavy right now\""),
        phrase("try harder", "it blames the person for what their body cannot do",
               "\"you're doing what you can with the body you have today\""),
        phrase("it's all in your head", "it doubts the symptoms, which are real",
               "\"body and mind affect each other, and the pain is real\""),
        phrase("it's not that bad", "it corrects the feeling", "\"that sounds really hard\""),
        phrase("others have it worse", "it compares the pain away",
               "\"your pain counts, whatever anyone else carries\""),
        phrase("be grateful", "it moralises about a feeling", "\"what has been hard today?\""),
        phrase("no pain no gain", "it turns pain into a test, which pushes past the body's limits",
               "\"it's okay to rest when your body asks for it\""),
    };
}

// ---- reading lint/tone.yaml ------------------------------------------------------------

std::optional<TonePhrase> read_phrase(const YAML::Node& item, const SourceLocation& where, FileContext& ctx) {
    const KeyRules rules{"tone phrase", Mapping::tone_phrase, {}};
    auto fields = read_fields(item, ctx.at(item, where), ctx, rules);
    if (!fields) return std::nullopt;
    TonePhrase result;
    for (const char* key : {"phrase", "why", "instead"}) {
        const Field* field = fields->get(key);
        if (!field) {
            ctx.error(code::missing_key, ctx.at(item, where), std::string("a tone phrase has no `") + key + "`",
                      "write `phrase:` (the words), `why:` (why they hurt) and `instead:` (a kinder way to say it)");
            return std::nullopt;
        }
        auto text = read_text(*field, ctx);
        if (!text) return std::nullopt;
        if (std::string_view(key) == "phrase") result = phrase(*text, "", "");
        if (std::string_view(key) == "why") result.why = *text;
        if (std::string_view(key) == "instead") result.instead = *text;
    }
    if (result.tokens.empty()) {
        ctx.error(code::bad_value, value_at(*fields->get("phrase"), ctx),
                  "the tone phrase '" + result.phrase + "' has no words once normalised",
                  "write the words the bot should not say");
        return std::nullopt;
    }
    return result;
}

void read_tone(const Fields& tone, FileContext& ctx) {
    auto& list = ctx.state().tone;
    if (const Field* replace = tone.get("replace")) {
        if (auto yes = read_bool(*replace, ctx); yes && *yes) list.clear();
    }
    if (const Field* allow = tone.get("allow")) {
        if (auto items = read_text_list(*allow, ctx)) {
            for (const auto& item : *items) {
                const auto words = tokens_of(item.Scalar());
                std::erase_if(list, [&](const TonePhrase& p) { return p.tokens == words; });
            }
        }
    }
    const Field* phrases = tone.get("phrases");
    if (phrases == nullptr) return;
    if (!phrases->value.IsSequence()) {
        wrong_type(*phrases, ctx, "a list of phrases, each with `phrase`, `why` and `instead`");
        return;
    }
    for (const auto& item : phrases->value) {
        if (auto p = read_phrase(item, value_at(*phrases, ctx), ctx)) list.push_back(std::move(*p));
    }
}

// ---- matching ----------------------------------------------------------------------------

struct Word {
    std::string token;
    std::size_t offset;  // of the written word it comes from
    int part;            // words in different sentence parts never make one phrase
};

/// Bytes of a separator at `i` (0: a word character). Sets `breaks` for ones that end a
/// sentence part (. , ; : ! ? dashes, ellipsis, newline, a template's `{…}`).
std::size_t separator(std::string_view text, std::size_t i, bool& breaks) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80) {
        const auto third = static_cast<unsigned char>(text[i + 2]);
        if (third == 0x98 || third == 0x99) return 0;  // curly apostrophes belong to words
        breaks = breaks || third == 0x93 || third == 0x94 || third == 0xA6;
        return 3;
    }
    if (c >= 0x80 || std::isalnum(c) || c == '\'') return 0;
    breaks = breaks || std::string_view(".,;:!?\n{}").find(static_cast<char>(c)) != std::string_view::npos;
    return 1;
}

std::vector<Word> words_of(std::string_view text) {
    std::vector<Word> words;
    int part = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        bool breaks = false;
        if (text[i] == '{') {  // a variable: not the bot's own words
            const auto close = text.find('}', i);
            i = close == std::string_view::npos ? text.size() : close + 1;
            ++part;
            continue;
        }
        if (const std::size_t n = separator(text, i, breaks); n > 0) {
            i += n;
            part += breaks ? 1 : 0;
            continue;
        }
        const std::size_t start = i;
        while (i < text.size() && text[i] != '{' && separator(text, i, breaks) == 0) ++i;
        for (auto& token : tokens_of(text.substr(start, i - start))) words.push_back({std::move(token), start, part});
    }
    return words;
}

bool matches_at(const std::vector<Word>& words, std::size_t at, const TonePhrase& p) {
    if (at + p.tokens.size() > words.size()) return false;
    for (std::size_t k = 0; k < p.tokens.size(); ++k) {
        if (words[at + k].token != p.tokens[k] || words[at + k].part != words[at].part) return false;
    }
    return true;
}

}  // namespace

const std::vector<TonePhrase>& bundled_tone_phrases() {
    static const std::vector<TonePhrase> phrases = make_bundled();
    return phrases;
}

void load_tone_file(const std::filesystem::path& path, LoadState& state) {
    auto file = read_yaml_file(path, state.diagnostics);
    if (!file) return;
    FileContext ctx(*file, state);
    for (const auto& document : file->documents) {
        const KeyRules top{"the tone list", Mapping::tone_file, {}};
        auto fields = read_fields(document, {file->path, 1, 1}, ctx, top);
        if (!fields) continue;
        const Field* tone = fields->get("tone");
        if (tone == nullptr) continue;
        const KeyRules keys{"`tone:`", Mapping::tone, {}};
        if (auto inner = read_fields(tone->value, value_at(*tone, ctx), ctx, keys)) read_tone(*inner, ctx);
    }
}

void check_tone(const YAML::Node& scalar, FileContext& ctx) {
    const auto& phrases = ctx.state().tone;
    if (phrases.empty()) return;
    const auto words = words_of(scalar.Scalar());
    for (std::size_t at = 0; at < words.size(); ++at) {
        for (const auto& p : phrases) {
            if (!matches_at(words, at, p)) continue;
            ctx.warning(code::unkind_phrase, ctx.in_scalar(scalar, words[at].offset),
                        "\"" + p.phrase + "\" in what the bot says: " + p.why,
                        "instead: " + p.instead + " (or add `# lint: allow tone` to quote it on purpose)");
            at += p.tokens.size() - 1;
            break;
        }
    }
}

}  // namespace reframe::loader_detail
