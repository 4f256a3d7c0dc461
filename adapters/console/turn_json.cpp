#include "turn_json.hpp"

#include "json_writer.hpp"

namespace reframe::console {

using json_writer::append_json_array;
using json_writer::append_json_string;

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

std::string turn_line(const Reply& reply) {
    std::string out;
    out.reserve(256);
    out += "{\"user\":";
    append_json_string(out, reply.user);
    out += ",\"state\":";
    append_json_string(out, reply.state);
    out += ",\"messages\":[";
    for (std::size_t i = 0; i < reply.messages.size(); ++i) {
        out += i > 0 ? ",{\"text\":" : "{\"text\":";
        append_json_string(out, reply.messages[i]);
        out += '}';
    }
    out += "],\"options\":";
    append_json_array(out, reply.options);
    out += ",\"intents\":";
    append_json_array(out, reply.intents);
    out += ",\"traps\":";
    append_json_array(out, reply.traps);
    out += ",\"safety\":";
    if (reply.safety.empty()) {
        out += "null";
    } else {
        append_json_string(out, reply.safety);
    }
    if (!reply.error.empty()) {
        out += ",\"error\":";
        append_json_string(out, reply.error);
    }
    out += '}';
    return out;
}

nlohmann::json classification_json(const Classification& c) {
    return {
        {"text", c.text},   {"intents", c.intents}, {"self_critical", c.self_critical},
        {"traps", c.traps}, {"crisis", c.crisis},   {"medical_urgent", c.medical_urgent},
    };
}

std::string dump_line(const nlohmann::json& j) {
    // Text from a person may hold invalid UTF-8; replace it rather than fail the turn.
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace reframe::console
