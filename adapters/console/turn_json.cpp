#include "turn_json.hpp"

namespace reframe::console {

nlohmann::json turn_json(const Reply& reply) {
    nlohmann::json messages = nlohmann::json::array();
    for (const auto& m : reply.messages) messages.push_back({{"text", m}});
    nlohmann::json j = {
        {"user", reply.user},
        {"state", reply.state},
        {"messages", std::move(messages)},
        {"options", reply.options},
        {"intents", reply.intents},
        {"traps", reply.traps},
        {"safety", reply.safety.empty() ? nlohmann::json(nullptr) : nlohmann::json(reply.safety)},
    };
    if (!reply.error.empty()) j["error"] = reply.error;
    return j;
}

nlohmann::json classification_json(const Classification& c) {
    return {
        {"text", c.text},
        {"intents", c.intents},
        {"self_critical", c.self_critical},
        {"traps", c.traps},
        {"crisis", c.crisis},
        {"medical_urgent", c.medical_urgent},
    };
}

std::string dump_line(const nlohmann::json& j) {
    // Text from a person may hold invalid UTF-8; replace it rather than fail the turn.
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace reframe::console
