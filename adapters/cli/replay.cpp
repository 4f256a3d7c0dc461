#include <algorithm>
#include <chrono>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "turn_json.hpp"

namespace reframe::cli {
namespace {

nlohmann::json bad_line(std::size_t line_no, const std::string& message) {
    return {{"error", message}, {"line", line_no}};
}

/// The reply to one input line, or an error object describing why there is none.
nlohmann::json replay_line(Engine& engine, const std::string& line, std::size_t line_no, bool& ok) {
    ok = false;
    const auto input = nlohmann::json::parse(line, nullptr, false);
    if (input.is_discarded() || !input.is_object()) return bad_line(line_no, "not a JSON object");
    const auto user = input.find("user");
    const auto text = input.find("text");
    if (user == input.end() || !user->is_string() || user->get_ref<const std::string&>().empty()) {
        return bad_line(line_no, "missing \"user\" (a non-empty string)");
    }
    if (text == input.end() || !text->is_string()) return bad_line(line_no, "missing \"text\" (a string)");
    auto reply = engine.respond(user->get<std::string>(), text->get_ref<const std::string&>());
    if (!reply) return bad_line(line_no, reply.error().message);
    ok = true;
    return console::turn_json(*reply);
}

/// Per-turn wall time, summarised as {"turns","seconds","turns_per_second","p50_us","p99_us","max_us"}.
nlohmann::json latency_summary(std::vector<double>& micros, double seconds) {
    if (micros.empty()) return {{"turns", 0}};
    std::sort(micros.begin(), micros.end());
    const auto at = [&](double q) { return micros[static_cast<std::size_t>(q * static_cast<double>(micros.size() - 1))]; };
    return {{"turns", micros.size()},
            {"seconds", seconds},
            {"turns_per_second", static_cast<double>(micros.size()) / seconds},
            {"p50_us", at(0.50)},
            {"p99_us", at(0.99)},
            {"max_us", micros.back()}};
}

}  // namespace

int run_replay(Engine& engine, std::istream& in, std::ostream& out, std::ostream& err, bool stats) {
    using clock = std::chrono::steady_clock;
    int status = 0;
    std::string line;
    std::size_t line_no = 0;
    std::vector<double> micros;
    const auto started = clock::now();
    while (std::getline(in, line)) {
        ++line_no;
        bool ok = false;
        const auto turn_started = clock::now();
        const auto result = replay_line(engine, line, line_no, ok);
        if (stats) micros.push_back(std::chrono::duration<double, std::micro>(clock::now() - turn_started).count());
        if (!ok) {
            status = 1;
            err << "reframe replay: line " << line_no << ": " << result.value("error", std::string{"error"}) << '\n';
        }
        out << console::dump_line(result) << '\n';
    }
    out << std::flush;
    if (stats) {
        const double seconds = std::chrono::duration<double>(clock::now() - started).count();
        err << latency_summary(micros, seconds).dump() << '\n';
    }
    return status;
}

}  // namespace reframe::cli
