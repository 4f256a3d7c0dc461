#include "reframe/data_export.hpp"

#include <chrono>
#include <cstdio>

#include <nlohmann/json.hpp>

namespace reframe {
namespace {

using json = nlohmann::json;

std::string place(const Frame& frame) { return frame.flow + "." + frame.state; }

json session_json(const SessionState& session) {
    json stack = json::array();
    for (const auto& frame : session.stack) stack.push_back(place(frame));
    return json{{"state", place(session.at)},
                {"stack", std::move(stack)},
                {"variables", session.vars},
                {"turns", session.turns},
                {"consent", session.consent.empty() ? json(nullptr) : json(session.consent)}};
}

}  // namespace

std::string iso_utc(std::int64_t unix_seconds) {
    using namespace std::chrono;
    const sys_seconds at{seconds{unix_seconds}};
    const auto day = floor<days>(at);
    const year_month_day date{day};
    const hh_mm_ss time{at - day};
    char out[32];
    std::snprintf(out, sizeof out, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                  static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                  static_cast<int>(time.seconds().count()));
    return out;
}

std::string export_json(const std::string& user, const StoredData& data, std::int64_t now_unix_seconds) {
    json transcript = json::array();
    for (const auto& line : data.transcript) {
        transcript.push_back(
            {{"at", iso_utc(line.at)}, {"turn", line.turn}, {"speaker", line.speaker}, {"text", line.text}});
    }
    json measures = json::array();
    for (const auto& m : data.measures) {
        measures.push_back({{"at", iso_utc(m.at)}, {"name", m.name}, {"value", m.value}});
    }
    const json document{{"format", "reframe-export"},
                        {"version", 1},
                        {"user", user},
                        {"exported_at", iso_utc(now_unix_seconds)},
                        {"session", data.session ? session_json(*data.session) : json(nullptr)},
                        {"transcript", std::move(transcript)},
                        {"check_ins", std::move(measures)}};
    return document.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace reframe
