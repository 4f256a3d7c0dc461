// Labels of a flow picture: what fires a rule, in words; shortening; dot/Mermaid escaping.
#include <string>
#include <string_view>

#include "flow_graph.hpp"

namespace reframe::graph {
namespace {

constexpr std::size_t pattern_chars = 36;
constexpr std::size_t option_chars = 28;

bool continuation(unsigned char c) { return (c & 0xC0U) == 0x80U; }

std::string quoted(std::string_view text, std::size_t max_chars) { return "\"" + shorten(text, max_chars) + "\""; }

std::string names(const std::string& what, const std::vector<std::string>& list) {
    std::string line = what;
    for (std::size_t i = 0; i < list.size(); ++i) line += (i == 0 ? " " : " or ") + list[i];
    return line;
}

std::string patterns(const FlowSet& flows, const std::string& what, const std::vector<PatternId>& ids) {
    std::string line = what + " " + quoted(flows.patterns.source(ids.front()), pattern_chars);
    if (ids.size() > 1) line += " (+" + std::to_string(ids.size() - 1) + " more)";
    return line;
}

void add_line(std::string& text, const std::string& line) {
    if (!text.empty()) text += '\n';
    text += line;
}

}  // namespace

std::string shorten(std::string_view text, std::size_t max_chars) {
    std::string out;
    std::size_t chars = 0;
    bool space = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            space = !out.empty();
            continue;
        }
        if (!continuation(c)) {
            if (chars + (space ? 1 : 0) >= max_chars) return out + "…";
            if (space) {
                out += ' ';
                ++chars;
            }
            space = false;
            ++chars;
        }
        out += static_cast<char>(c);
    }
    return out;
}

std::string first_words(const State& state, std::size_t words) {
    if (state.say.empty() || state.say.front().empty()) return {};
    const std::string& text = state.say.front().front().source();
    std::size_t count = 0;
    bool in_word = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool space = text[i] == ' ' || text[i] == '\n' || text[i] == '\t';
        if (!space && !in_word && ++count > words) return shorten(text.substr(0, i), 200) + " …";
        in_word = !space;
    }
    return shorten(text, 200);
}

std::string describe_when(const FlowSet& flows, const Transition& rule, const State* state) {
    std::string text;
    if (!rule.intents.empty()) add_line(text, names("intent", rule.intents));
    if (!rule.tags.empty()) add_line(text, names("tag", rule.tags));
    if (!rule.patterns.empty()) add_line(text, patterns(flows, "pattern", rule.patterns));
    if (!rule.unless.empty()) add_line(text, patterns(flows, "unless", rule.unless));
    if (rule.option) {
        std::string line = "option " + std::to_string(*rule.option + 1);
        if (state != nullptr && *rule.option < state->options.size()) {
            line += " " + quoted(state->options[*rule.option].source(), option_chars);
        }
        add_line(text, line);
    }
    for (const auto& condition : rule.conditions) add_line(text, "if " + condition.source);
    if (text.empty()) text = "always";
    if (rule.again) add_line(text, "(same message again)");
    return text;
}

std::string escape_dot(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        if (c == '\\' || c == '"') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) {
            out += c;
        }
    }
    return out;
}

std::string escape_mermaid(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '"':
                out += "#quot;";
                break;
            case '#':
                out += "#35;";
                break;
            case '|':
                out += "#124;";
                break;
            case '<':
                out += "#lt;";
                break;
            case '>':
                out += "#gt;";
                break;
            case '&':
                out += "#amp;";
                break;
            case '`':
                out += "#96;";
                break;
            case '\n':
                out += "<br/>";
                break;
            default:
                if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out += c;
        }
    }
    return out;
}

}  // namespace reframe::graph
