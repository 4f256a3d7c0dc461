#include "commands.hpp"
#include "turn_json.hpp"

namespace reframe::cli {
namespace {

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
    return out.empty() ? "-" : out;
}

}  // namespace

int run_classify(const Engine& engine, std::istream& in, std::ostream& out, bool json) {
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const auto c = engine.classify(line);
        if (json) {
            out << console::dump_line(console::classification_json(c)) << '\n';
            continue;
        }
        const char* verdict = c.crisis           ? "CRISIS"
                              : c.medical_urgent ? "MEDICAL-URGENT"
                              : c.self_critical  ? "self-critical"
                                                 : "neutral";
        out << verdict << "\ttraps: " << join(c.traps) << "\tintents: " << join(c.intents) << '\n';
    }
    out << std::flush;
    return 0;
}

}  // namespace reframe::cli
