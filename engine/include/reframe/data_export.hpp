#pragma once
/// "Export my data": everything stored about a person, as one JSON document.
///
///   {"format":"reframe-export","version":1,"user":…,"exported_at":"2026-11-26T10:00:00Z",
///    "session":null | {"state":"flow.state","stack":["flow.state",…],"variables":{…},
///                      "turns":N,"consent":"granted"|"declined"|null},
///    "transcript":[{"at":"…Z","turn":N,"speaker":"person"|"bot","text":…},…],
///    "check_ins":[{"at":"…Z","name":"pain","value":"6"},…]}
///
/// Texts that are not valid UTF-8 are written with U+FFFD in their place.

#include <cstdint>
#include <string>

#include "reframe/session_store.hpp"

namespace reframe {

std::string export_json(const std::string& user, const StoredData& data, std::int64_t now_unix_seconds);

/// "2026-11-26T10:00:00Z"
std::string iso_utc(std::int64_t unix_seconds);

}  // namespace reframe
