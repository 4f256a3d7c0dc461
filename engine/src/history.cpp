#include "reframe/history.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <set>

namespace reframe {
namespace {

constexpr std::int64_t seconds_per_day = 86'400;

std::vector<const DayValue*> in_window(const History& history, std::string_view name, std::int64_t today) {
    std::vector<const DayValue*> values;
    const auto it = history.find(std::string{name});
    if (it == history.end()) return values;
    for (const auto& v : it->second) {
        if (v.day > today - history_window_days && v.day <= today) values.push_back(&v);
    }
    return values;
}

std::string format_number(double value) {
    char buffer[32];
    if (std::fabs(value - std::round(value)) < 1e-9) {
        std::snprintf(buffer, sizeof buffer, "%.0f", value);
    } else {
        std::snprintf(buffer, sizeof buffer, "%.1f", value);
    }
    return buffer;
}

std::string spark(const std::vector<const DayValue*>& values, std::int64_t today) {
    static constexpr std::array<const char*, 8> bars{"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
    double low = 0;
    double high = 10;
    for (const auto* v : values) {
        if (auto n = parse_number(v->value)) {
            low = std::min(low, *n);
            high = std::max(high, *n);
        }
    }
    std::string out;
    for (std::int64_t day = today - history_window_days + 1; day <= today; ++day) {
        const auto found =
            std::find_if(values.begin(), values.end(), [day](const DayValue* v) { return v->day == day; });
        const auto n = found == values.end() ? std::nullopt : parse_number((*found)->value);
        if (!n) {
            out += "·";
            continue;
        }
        const double share = (*n - low) / (high - low);
        const auto index = static_cast<std::size_t>(std::lround(share * 7.0));
        out += bars[std::min<std::size_t>(index, 7)];
    }
    return out;
}

}  // namespace

const std::vector<std::string>& history_fields() {
    static const std::vector<std::string> fields{"spark", "count", "first", "last", "mean", "trend", "notes"};
    return fields;
}

std::int64_t day_of(std::int64_t unix_seconds) {
    return unix_seconds >= 0 ? unix_seconds / seconds_per_day : (unix_seconds - seconds_per_day + 1) / seconds_per_day;
}

std::optional<double> parse_number(std::string_view text) {
    static constexpr std::array<std::string_view, 11> words{"zero", "one",   "two",   "three", "four", "five",
                                                            "six",  "seven", "eight", "nine",  "ten"};
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (text == words[i]) return static_cast<double>(i);
    }
    if (const auto slash = text.find('/'); slash != std::string_view::npos) text = text.substr(0, slash);
    double value = 0;
    const auto* end = text.data() + text.size();
    const auto result = std::from_chars(text.data(), end, value);
    if (result.ec != std::errc{} || result.ptr != end || text.empty() || !std::isfinite(value)) return std::nullopt;
    return value;
}

void record_value(History& history, const std::string& name, std::int64_t day, std::string value) {
    auto& values = history[name];
    std::erase_if(values, [day](const DayValue& v) { return v.day == day || v.day <= day - history_kept_days; });
    const auto at = std::find_if(values.begin(), values.end(), [day](const DayValue& v) { return v.day > day; });
    values.insert(at, DayValue{day, std::move(value)});
}

std::optional<std::string> history_text(const History& history, std::string_view name, std::string_view field,
                                        std::int64_t today) {
    const auto values = in_window(history, name, today);
    std::vector<double> numbers;
    for (const auto* v : values) {
        if (auto n = parse_number(v->value)) numbers.push_back(*n);
    }
    if (field == "spark") return spark(values, today);
    if (field == "count") return std::to_string(values.size());
    if (field == "first") return values.empty() ? std::string{} : values.front()->value;
    if (field == "last") return values.empty() ? std::string{} : values.back()->value;
    if (field == "mean") {
        if (numbers.empty()) return std::string{};
        double sum = 0;
        for (double n : numbers) sum += n;
        return format_number(sum / static_cast<double>(numbers.size()));
    }
    if (field == "trend") {
        if (numbers.size() < 2) return std::string{};
        const double change = numbers.back() - numbers.front();
        return std::string{change <= -1.0 ? "down" : change >= 1.0 ? "up" : "steady"};
    }
    if (field == "notes") {
        std::string out;
        int taken = 0;
        for (auto it = values.rbegin(); it != values.rend() && taken < 3; ++it) {
            if (parse_number((*it)->value)) continue;
            out = (*it)->value + (out.empty() ? "" : "; " + out);
            ++taken;
        }
        return out;
    }
    return std::nullopt;
}

std::string history_days(const History& history, std::int64_t today) {
    std::set<std::int64_t> days;
    for (const auto& [name, values] : history) {
        for (const auto& v : values) {
            if (v.day > today - history_window_days && v.day <= today) days.insert(v.day);
        }
    }
    return std::to_string(days.size());
}

}  // namespace reframe
