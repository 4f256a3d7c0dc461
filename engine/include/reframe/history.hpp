#pragma once
/// Check-ins over time: what a rule's `record:` keeps in the session, and what templates
/// read back as `{history.<measure>.<field>}` and `{history.days}`.
///
/// Fields (over the last `history_window_days` days, today included):
///   spark  one character per day, oldest first: ▁▂▃▄▅▆▇█ for a number (0–10 scale, or the
///          values' own range when they leave it), · for a day without one
///   count  days with a value          first / last  the earliest / latest value
///   mean   the mean of the numbers, one decimal        notes  the latest texts, "; "-joined
///   trend  "down", "up" or "steady" (last against first number; 1 point or more is a change),
///          "" with fewer than two numbers

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reframe/session.hpp"

namespace reframe {

inline constexpr std::int64_t history_window_days = 14;
/// Values older than this are dropped from the session (the store keeps its own record).
inline constexpr std::int64_t history_kept_days = 60;

const std::vector<std::string>& history_fields();

/// Days since 1970-01-01 (UTC) of a unix time.
std::int64_t day_of(std::int64_t unix_seconds);

/// A number written with digits ("6", "7.5", "6/10") or as a word ("six"), else nullopt.
std::optional<double> parse_number(std::string_view text);

/// Keeps `value` as `name`'s value for `day`, replacing one of the same day, and drops
/// values older than `history_kept_days`.
void record_value(History& history, const std::string& name, std::int64_t day, std::string value);

/// The text of `{history.<name>.<field>}` on `today`; nullopt for an unknown field.
std::optional<std::string> history_text(const History& history, std::string_view name, std::string_view field,
                                        std::int64_t today);

/// Days within the window on which anything was recorded.
std::string history_days(const History& history, std::int64_t today);

}  // namespace reframe
