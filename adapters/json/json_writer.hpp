#pragma once
/// A minimal JSON writer for the hot paths — the turn lines of `replay` and `console --json`,
/// the reply frames of `serve`: building an nlohmann::json DOM and dumping it cost a
/// quarter of a whole turn, so these are written straight into a string. Everything else
/// uses nlohmann::json.

#include <string>
#include <string_view>
#include <vector>

#include "reframe/json_string.hpp"

namespace reframe::json_writer {

/// Appends `text` as a JSON string literal (the engine's, which writes session rows with it).
using ::reframe::append_json_string;

/// Appends ["a","b",…].
void append_json_array(std::string& out, const std::vector<std::string>& items);

}  // namespace reframe::json_writer
