#pragma once
/// How an engine reply becomes Matrix message events, and how a person's answer to a
/// numbered list becomes an option. Pure functions (unit-tested without sockets).

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace reframe::matrix {

/// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string escape_html(const std::string& text);

/// The content of one m.room.message: `body` in plain text and an escaped HTML
/// `formatted_body`; `options`, when given, follow as a numbered list ("1. …").
nlohmann::json message_content(const std::string& text, const std::vector<std::string>& options,
                               const std::string& msgtype);

/// "2" (or " 2. ") picks the second of `options`; anything else is returned unchanged, so
/// the option text itself (or any other message) goes to the engine as written.
std::string resolve_option(const std::string& text, const std::vector<std::string>& options);

/// The transaction id of part `part` of the reply to `event_id`: the same inputs always
/// give the same id (a retry is deduplicated by the homeserver), safe in a URL path.
std::string transaction_id(const std::string& event_id, int part);

}  // namespace reframe::matrix
