// The chat commands (!help, !pause, !resume, !forget, !export, !remind) and the daily
// check-in reminders.
#include <cstdio>

#include <spdlog/logger.h>

#include "bot.hpp"

namespace reframe::matrix {
namespace {

constexpr const char* help_text =
    "You can write to me in your own words at any time. A few commands also work:\n"
    "!pause — I stay quiet (no replies, no reminders) until you write !resume; if you write about being in "
    "danger I still answer\n"
    "!resume — we carry on\n"
    "!remind 20:30 — a short daily check-in reminder at that time; !remind off stops it\n"
    "!export — a copy of everything I keep about you\n"
    "!forget — erase everything I keep about you (I ask you to confirm first)\n"
    "!help — this list";
constexpr std::size_t export_chunk = 30000;  // bytes per message: events must stay under 64 KiB

std::string lower_trimmed(const std::string& text) {
    std::string out;
    for (const char c : text) out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    const auto first = out.find_first_not_of(" \t\r\n");
    const auto last = out.find_last_not_of(" \t\r\n.!");
    if (first == std::string::npos || last == std::string::npos || last < first) return out;
    return out.substr(first, last - first + 1);
}

/// "20:30" -> 1230; -1 when it is not a time of day.
int parse_time_of_day(const std::string& text) {
    int hours = -1;
    int minutes = -1;
    char extra = 0;
    if (std::sscanf(text.c_str(), "%d:%d%c", &hours, &minutes, &extra) != 2) return -1;
    if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return -1;
    return hours * 60 + minutes;
}

std::string format_time(int minute) {
    char out[8];
    std::snprintf(out, sizeof out, "%02d:%02d", (minute / 60) % 24, minute % 60);
    return out;
}

}  // namespace

bool Bot::is_command(const std::string& text) {
    const auto t = lower_trimmed(text);
    for (const char* name : {"!help", "!pause", "!resume", "!forget", "!export", "!remind"}) {
        const std::string n = name;
        if (t == n || t.rfind(n + " ", 0) == 0) return true;
    }
    return false;
}

std::vector<std::string> Bot::run_command(const std::string& user, const std::string& room_id,
                                          const std::string& text) {
    const auto t = lower_trimmed(text);
    auto person = store_.person(user).value_or(Person{user, room_id, {}, false, -1, -1, false});
    person.room_id = room_id;
    const bool confirm = t == "!forget yes";
    if (t.rfind("!forget", 0) != 0 || confirm) person.forget_asked = false;
    if (t == "!help") {
        store_.save_person(person);
        return {help_text};
    }
    if (t == "!pause" || t == "!resume") {
        person.paused = t == "!pause";
        store_.save_person(person);
        if (person.paused) {
            return {
                "Paused. I'll stay quiet and send no reminders until you write !resume. If you tell me you're in "
                "danger, I'll still answer."};
        }
        return {"Welcome back. I'm here whenever you want to talk."};
    }
    if (confirm && store_.person(user) && store_.person(user)->forget_asked) {
        auto erased = engine_.forget(user);
        if (!erased) {
            if (log_) log_->error("matrix: forget failed: {}", erased.error().message);
            return {"Sorry, I couldn't erase your data just now. Please try !forget again in a moment."};
        }
        store_.forget_person(user);
        if (log_) log_->info("matrix: a person's data was erased at their request");
        return {"Done. I've erased everything I kept about you. If you write again, we'll start afresh."};
    }
    if (t.rfind("!forget", 0) == 0) {
        person.forget_asked = true;
        store_.save_person(person);
        return {
            "This erases everything I keep about you: where we are in our conversation, your check-ins and your "
            "settings here. It can't be undone. Write !forget yes to confirm, or anything else to keep it."};
    }
    if (t == "!export") {
        auto data = engine_.export_data(user);
        if (!data) return {"Sorry, I couldn't gather your data just now. Please try !export again in a moment."};
        std::vector<std::string> out{"Here is everything I keep about you (as JSON):"};
        for (std::size_t at = 0; at < data->size(); at += export_chunk) out.push_back(data->substr(at, export_chunk));
        return out;
    }
    // !remind
    const auto arg = lower_trimmed(t.substr(std::string("!remind").size()));
    if (arg == "off") {
        person.remind_minute = -1;
        store_.save_person(person);
        return {"Reminders are off."};
    }
    const int minute = parse_time_of_day(arg);
    if (minute < 0 || !config_.reminders) {
        store_.save_person(person);
        if (!config_.reminders) return {"Reminders are not available here."};
        return {"Write the time like this: !remind 20:30 (or !remind off)."};
    }
    person.remind_minute = minute;
    person.last_reminded_day = -1;
    store_.save_person(person);
    return {"I'll remind you every day at " + format_time(minute) + " to check in. !remind off stops it."};
}

void Bot::send_reminders(ClientApi& api) {
    if (!config_.reminders) return;
    const auto local_minutes = now_ms() / 60000 + config_.reminder_utc_offset_minutes;
    const auto day = local_minutes / 1440;
    const auto minute = static_cast<int>(local_minutes % 1440);
    for (auto& person : store_.people_with_reminders()) {
        if (person.paused || person.last_reminded_day >= day || minute < person.remind_minute) continue;
        if (stopper_.stopping()) return;
        const auto key = "reminder:" + person.user_id + ":" + std::to_string(day);
        if (!send_notice(api, key, person.user_id, person.room_id,
                         {"Hello. It's the time you chose for your daily check-in. Write \"check in\" whenever "
                          "you're ready, or !remind off to stop these reminders."})) {
            return;
        }
        person.last_reminded_day = day;
        store_.save_person(person);
    }
}

}  // namespace reframe::matrix
