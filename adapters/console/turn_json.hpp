#pragma once
/// The JSON shapes of the command-line contract (design.md): one turn, one classification.

#include <nlohmann/json.hpp>

#include "reframe/engine.hpp"

namespace reframe::console {

/// {"user","state","messages":[{"text"}],"options","intents","traps","safety"} and,
/// only when set, "error".
nlohmann::json turn_json(const Reply& reply);

/// The same object as turn_json(), written directly as one line of JSON (no newline).
std::string turn_line(const Reply& reply);

/// {"text","intents","self_critical","traps","crisis","medical_urgent"}
nlohmann::json classification_json(const Classification& c);

/// One JSON line with the replacement of invalid UTF-8 (never throws).
std::string dump_line(const nlohmann::json& j);

}  // namespace reframe::console
