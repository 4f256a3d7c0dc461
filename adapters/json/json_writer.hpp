#pragma once
/// A minimal JSON writer for the hot paths — the turn lines of `replay` and `console --json`,
/// the reply frames of `serve`: building an nlohmann::json DOM and dumping it cost a
/// quarter of a whole turn, so these are written straight into a string. Everything else
/// uses nlohmann::json.

#include <string>
#include <string_view>
#include <vector>

namespace reframe::json_writer {

/// Appends `text` as a JSON string literal: quotes, backslashes and control characters
/// escaped, invalid UTF-8 replaced by U+FFFD, so the output is always valid JSON.
void append_json_string(std::string& out, std::string_view text);

/// Appends ["a","b",…].
void append_json_array(std::string& out, const std::vector<std::string>& items);

}  // namespace reframe::json_writer
