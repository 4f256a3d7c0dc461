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

/// The turn line for one input line, or an error object describing why there is none.
std::string replay_line(Engine& engine, const std::string& line, std::size_t line_no, std::string& error) {
    const auto input = nlohmann::json::parse(line, nullptr, false);
    if (input.is_discarded() || !input.is_object()) {
        error = "not a JSON object";
    } else if (const auto user = input.find("user");
               user == input.end() || !user->is_string() || user->get_ref<const std::string&>().empty()) {
        error = "missing \"user\" (a non-empty string)";
    } else if (const auto text = input.find("text"); text == input.end() || !text->is_string()) {
        error = "missing \"text\" (a string)";
    } else if (auto reply = engine.respond(user->get<std::string>(), text->get_ref<const std::string&>())) {
        return console::turn_line(*reply);
    } else {
        error = reply.error().message;
    }
    return console::dump_line(bad_line(line_no, error));
}

/// Per-turn wall time, summarised as {"turns","seconds","turns_per_second","p50_us","p99_us","max_us"}.
nlohmann::json latency_summary(std::vector<double>& micros, double seconds) {
    if (micros.empty()) return {{"turns", 0}};
    std::sort(micros.begin(), micros.end());
    const auto at = [&](double q) {
        return micros[static_cast<std::size_t>(q * static_cast<double>(micros.size() - 1))];
    };
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
        std::string error;
        const auto turn_started = clock::now();
        const auto result = replay_line(engine, line, line_no, error);
        if (stats) micros.push_back(std::chrono::duration<double, std::micro>(clock::now() - turn_started).count());
        if (!error.empty()) {
            status = 1;
            err << "reframe replay: line " << line_no << ": " << error << '\n';
        }
        out << result << '\n';
    }
    out << std::flush;
    if (stats) {
        const double seconds = std::chrono::duration<double>(clock::now() - started).count();
        err << latency_summary(micros, seconds).dump() << '\n';
    }
    return status;
}

}  // namespace reframe::cli
