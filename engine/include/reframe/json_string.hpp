#pragma once
/// JSON string literals written straight into a string: the session rows the store saves on
/// every turn, and (through adapters/json) the adapters' turn lines and reply frames.

#include <string>
#include <string_view>

namespace reframe {

/// Appends `text` as a JSON string literal: quotes, backslashes and control characters
/// escaped, invalid UTF-8 (a person may paste anything) replaced by U+FFFD, so the output
/// is always valid JSON and can always be read back.
void append_json_string(std::string& out, std::string_view text);

}  // namespace reframe
