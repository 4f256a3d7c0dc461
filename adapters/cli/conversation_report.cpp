#include "conversation_report.hpp"

#include <cstdio>
#include <sstream>

namespace reframe::cli {
namespace {

constexpr std::size_t shown_turns = 8;  // a long check-in test shows only its last turns

struct Colours {
    bool on;
    std::string red() const { return on ? "\033[31m" : ""; }
    std::string green() const { return on ? "\033[32m" : ""; }
    std::string dim() const { return on ? "\033[2m" : ""; }
    std::string bold() const { return on ? "\033[1m" : ""; }
    std::string reset() const { return on ? "\033[0m" : ""; }
};

/// Continuation lines of a multi-line value are indented under its first line.
std::string indented(const std::string& text, const std::string& indent) {
    std::string out;
    for (char c : text) {
        out += c;
        if (c == '\n') out += indent;
    }
    return out;
}

void write_turn(std::ostringstream& out, const Turn& turn, bool last, const Colours& c) {
    out << "    " << (last ? c.bold() : "") << "you: " << turn.user << c.reset() << '\n';
    if (turn.reply.messages.empty()) out << "    bot: (nothing)\n";
    for (const auto& message : turn.reply.messages) out << "    bot: " << indented(message, "         ") << '\n';
    out << "    " << c.dim() << "     [" << turn.reply.state;
    if (!turn.reply.options.empty()) out << "; options " << list_text(turn.reply.options);
    out << "]" << c.reset() << '\n';
}

}  // namespace

std::string failure_text(const TestOutcome& o, bool colour) {
    const Colours c{colour};
    std::ostringstream out;
    out << c.red() << c.bold() << "FAIL" << c.reset() << ' ' << o.name << "  (" << o.file << ':' << o.line << ")\n";
    out << "  step " << o.step << " of " << o.step_count << " at " << o.file << ':' << o.step_line << '\n';
    if (!o.turns.empty()) {
        out << "  conversation so far:\n";
        const std::size_t first = o.turns.size() > shown_turns ? o.turns.size() - shown_turns : 0;
        if (first > 0) out << "    " << c.dim() << "(" << first << " earlier turn(s))" << c.reset() << '\n';
        for (std::size_t i = first; i < o.turns.size(); ++i) write_turn(out, o.turns[i], i + 1 == o.turns.size(), c);
    }
    if (!o.problem.empty()) out << "  " << c.red() << "the turn failed: " << o.problem << c.reset() << '\n';
    for (const auto& m : o.mismatches) {
        out << "  " << m.field << ":\n";
        out << "    " << c.green() << "expected: " << indented(m.expected, "              ") << c.reset() << '\n';
        out << "    " << c.red() << "     got: " << indented(m.got, "              ") << c.reset() << '\n';
    }
    return out.str();
}

std::string xml_escape(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto ch = static_cast<unsigned char>(c);
        switch (ch) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&apos;";
                break;
            default:
                // XML 1.0 has no place for other control characters, not even escaped.
                if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') {
                    out += '?';
                } else {
                    out += c;
                }
        }
    }
    return out;
}

namespace {

std::string seconds_text(double seconds) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.3f", seconds);
    return buffer;
}

void write_suite(std::ostringstream& out, const FileOutcome& file) {
    std::size_t failures = 0;
    double seconds = 0;
    for (const auto& t : file.tests) {
        failures += t.passed ? 0U : 1U;
        seconds += t.seconds;
    }
    const std::size_t errors = file.problems.empty() ? 0 : 1;
    const std::string name = xml_escape(file.file);
    out << "  <testsuite name=\"" << name << "\" tests=\"" << file.tests.size() + errors << "\" failures=\"" << failures
        << "\" errors=\"" << errors << "\" skipped=\"0\" time=\"" << seconds_text(seconds) << "\">\n";
    if (errors) {
        std::string text;
        for (const auto& d : file.problems) text += d.to_string() + "\n";
        out << "    <testcase name=\"" << name << "\" classname=\"" << name << "\" file=\"" << name
            << "\" time=\"0.000\">\n      <error message=\"" << xml_escape(file.problems.front().to_string())
            << "\" type=\"malformed test file\">" << xml_escape(text) << "</error>\n    </testcase>\n";
    }
    for (const auto& t : file.tests) {
        out << "    <testcase name=\"" << xml_escape(t.name) << "\" classname=\"" << name << "\" file=\"" << name
            << "\" line=\"" << t.line << "\" time=\"" << seconds_text(t.seconds) << "\"";
        if (t.passed) {
            out << "/>\n";
            continue;
        }
        std::string message = "step " + std::to_string(t.step) + ": ";
        for (const auto& m : t.mismatches) message += m.field + (&m == &t.mismatches.back() ? "" : ", ");
        if (!t.problem.empty()) message += t.problem;
        out << ">\n      <failure message=\"" << xml_escape(message) << "\" type=\"conversation\">"
            << xml_escape(failure_text(t, false)) << "</failure>\n    </testcase>\n";
    }
    out << "  </testsuite>\n";
}

}  // namespace

std::string junit_xml(const std::vector<FileOutcome>& files) {
    std::size_t tests = 0, failures = 0, errors = 0;
    double seconds = 0;
    for (const auto& f : files) {
        const std::size_t error = f.problems.empty() ? 0 : 1;
        errors += error;
        tests += f.tests.size() + error;
        for (const auto& t : f.tests) {
            failures += t.passed ? 0U : 1U;
            seconds += t.seconds;
        }
    }
    std::ostringstream out;
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out << "<testsuites name=\"reframe conversation tests\" tests=\"" << tests << "\" failures=\"" << failures
        << "\" errors=\"" << errors << "\" time=\"" << seconds_text(seconds) << "\">\n";
    for (const auto& f : files) write_suite(out, f);
    out << "</testsuites>\n";
    return out.str();
}

}  // namespace reframe::cli
