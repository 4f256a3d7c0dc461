// `reframe explain` in words a therapist reads: what was read, what matched, which rule
// answered and why the others did not.
#include "explain_words.hpp"

#include <algorithm>

#include "flow_graph.hpp"

namespace reframe::cli {
namespace {

std::string quoted(const std::string& text) { return "\"" + text + "\""; }

std::string joined(const std::vector<std::string>& items, const char* separator = ", ") {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
    return out;
}

std::string one_line(std::string text) {
    for (std::size_t at; (at = text.find('\n')) != std::string::npos;) text.replace(at, 1, "; ");
    return text;
}

std::string where(const SourceLocation& at) {
    if (at.file.empty()) return {};
    return " (" + at.file + (at.line > 0 ? ":" + std::to_string(at.line) : std::string{}) + ")";
}

/// What fires a rule, in words ("intent greeting", "pattern \"…\"").
std::string when_words(const Explanation& e, const RuleCheck& check) {
    if (check.rule == nullptr) return {};
    const auto dot = check.at.find('.');
    const Flow* flow = e.flows->find_flow(check.at.substr(0, dot));
    const State* state = flow != nullptr ? flow->find_state(check.at.substr(dot + 1)) : nullptr;
    return one_line(graph::describe_when(*e.flows, *check.rule, state));
}

void write_reading(const Explanation& e, std::ostream& out) {
    out << "What reframe read\n";
    if (e.clauses.size() == 1) {
        out << "  " << joined(e.clauses.front(), " ") << "\n";
    } else {
        out << "  The message is read in " << e.clauses.size() << " parts (split at punctuation and \"but\"):\n";
        for (std::size_t c = 0; c < e.clauses.size(); ++c) {
            out << "  part " << c + 1 << ": " << joined(e.clauses[c], " ") << '\n';
        }
    }
}

void write_hit(const Explanation& e, const PatternHit& hit, std::ostream& out) {
    out << "  " << part_name(e, hit.piece) << ": " << quoted(hit.source) << '\n';
    for (const auto& intent : hit.intent_of) out << "      a pattern of intent " << intent << '\n';
    for (const auto& intent : hit.guard_of) out << "      a guard (unless) of intent " << intent << '\n';
    for (const auto& rule : hit.rule_of) out << "      written in " << rule << '\n';
    for (const auto& [lexicon, entry] : hit.lexicon_entries) {
        out << "      lexicon " << lexicon << " matched its entry " << quoted(entry) << '\n';
    }
    for (const auto& [name, words] : hit.captures) out << "      captured " << name << " = " << quoted(words) << '\n';
}

/// Whether a hit can matter here: a pattern or guard of an intent, or written in a rule
/// of the state the message arrives in or of an interrupt. Catch-all patterns of other
/// states' rules ("*task") match almost anything and would bury the rest.
bool relevant(const Explanation& e, const PatternHit& hit) {
    if (!hit.intent_of.empty() || !hit.guard_of.empty()) return true;
    return std::any_of(hit.rule_of.begin(), hit.rule_of.end(), [&](const std::string& rule) {
        return rule.rfind(e.from + " rule ", 0) == 0 || rule.rfind("interrupt ", 0) == 0;
    });
}

void write_patterns(const Explanation& e, std::ostream& out) {
    out << "\nPatterns that matched\n";
    std::size_t elsewhere = 0;
    for (const auto& hit : e.patterns) {
        if (relevant(e, hit)) {
            write_hit(e, hit, out);
        } else {
            ++elsewhere;
        }
    }
    if (elsewhere == e.patterns.size()) out << "  none that matter here\n";
    if (elsewhere > 0) {
        out << "  (and " << elsewhere << " pattern(s) written in rules of other states; --json lists them)\n";
    }
}

void write_intents(const Explanation& e, std::ostream& out) {
    out << "\nIntents\n";
    if (e.intents.empty()) out << "  none\n";
    for (const auto& f : e.intents) {
        const auto& tags = f.intent->tags;
        if (f.found) {
            out << "  found " << f.intent->id << " in " << part_name(e, f.piece) << ", by " << quoted(f.pattern)
                << (tags.empty() ? std::string{} : "; tags: " + joined(tags)) << '\n';
        } else {
            const auto piece = f.piece < e.clauses.size() ? joined(e.clauses[f.piece], " ") : std::string{"this"};
            out << "  not counted: '" << piece << "' is not " << f.intent->id << " because of the guard "
                << quoted(f.guard) << " (" << part_name(e, f.piece) << "; its pattern " << quoted(f.pattern)
                << " matched)\n";
        }
    }
    out << "Thinking traps: " << (e.traps.empty() ? std::string{"none"} : joined(e.traps)) << '\n';
    out << "Safety: "
        << (e.reply.safety.empty() ? std::string{"no crisis or urgent medical statement was found"}
                                   : e.reply.safety + " — answered by the safety interrupt, never reframed")
        << '\n';
}

void write_check(const Explanation& e, const RuleCheck& check, std::ostream& out) {
    const std::string when = when_words(e, check);
    const std::string name = rule_name(check) + (when.empty() ? "" : ": " + when);
    switch (check.outcome) {
        case RuleCheck::Outcome::fired:
            out << "  ✓ " << name << "\n      FITS, and answers the message\n";
            break;
        case RuleCheck::Outcome::no_fit:
            out << "  ✗ " << name << "\n      did not fit: " << miss_words(check.miss) << '\n';
            break;
        case RuleCheck::Outcome::skipped:
            out << "  – " << name << "\n      " << miss_words(check.miss) << '\n';
            break;
        case RuleCheck::Outcome::lost:
            out << "  ○ " << name << "\n      would also fit, but an earlier rule won\n";
            break;
    }
}

void write_rules(const Explanation& e, std::ostream& out) {
    out << "\nWhich rule answers, from " << e.from << '\n'
        << "  Interrupts come first (safety before all), then the state's rules from top to bottom;\n"
        << "  the first that fits answers.\n";
    for (const auto& check : e.rules) write_check(e, check, out);
}

void write_reply(const Explanation& e, std::ostream& out) {
    out << "\nThe reply\n";
    if (e.reply.messages.empty()) out << "  (nothing is said)\n";
    for (const auto& message : e.reply.messages) out << "  " << quoted(message) << '\n';
    if (!e.reply.options.empty()) out << "  options: " << joined(e.reply.options, " | ") << '\n';
    out << "  The next message is handled in " << e.reply.state << ".\n";
}

}  // namespace

std::string part_name(const Explanation& e, std::size_t piece) {
    if (piece >= e.whole_message()) return "the whole message";
    return e.clauses.size() == 1 ? std::string{"the message"} : "part " + std::to_string(piece + 1);
}

std::string rule_name(const RuleCheck& check) {
    switch (check.kind) {
        case RuleCheck::Kind::interrupt: {
            const Interrupt& i = *check.interrupt;
            return "interrupt " + i.id +
                   (i.safety.empty() ? " (priority " + std::to_string(i.priority) + ")"
                                     : " (safety: " + i.safety + ")") +
                   where(i.where);
        }
        case RuleCheck::Kind::rule:
            return check.at + " rule " + std::to_string(check.index + 1) + where(check.rule->where);
        case RuleCheck::Kind::state_fallback:
            return check.at + " fallback" + where(check.rule->where);
        case RuleCheck::Kind::flow_fallback:
            return "the flow's fallback" + where(check.rule->where);
        case RuleCheck::Kind::global_fallback:
            return "the settings fallback (nothing else fitted)";
    }
    return {};
}

std::string miss_words(const Miss& miss) {
    switch (miss.reason) {
        case MissReason::none:
            return "it fits";
        case MissReason::intent_absent:
            return "the message does not show intent " + miss.detail;
        case MissReason::tag_absent:
            return "no intent tagged " + miss.detail + " was found";
        case MissReason::pattern_absent:
            return "its pattern " + quoted(miss.detail) + " did not match";
        case MissReason::guarded:
            return "its guard (unless) " + quoted(miss.detail) + " matched the same part";
        case MissReason::option_not_chosen:
            return "the message is not option " + miss.detail;
        case MissReason::condition_false:
            return "the condition '" + miss.detail + "' does not hold (for a person with nothing set yet)";
        case MissReason::own_flow:
            return "not checked here: the conversation is already in flow " + miss.detail;
    }
    return {};
}

void write_explanation_words(const Explanation& e, std::ostream& out) {
    write_reading(e, out);
    write_patterns(e, out);
    write_intents(e, out);
    write_rules(e, out);
    write_reply(e, out);
}

}  // namespace reframe::cli
