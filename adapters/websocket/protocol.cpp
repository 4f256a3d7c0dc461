#include "protocol.hpp"

#include <string>

#include <nlohmann/json.hpp>

#include "json_writer.hpp"

namespace reframe::websocket {
namespace {

using nlohmann::json;

json messages_json(const Reply& reply) {
    json messages = json::array();
    for (std::size_t i = 0; i < reply.messages.size(); ++i) {
        const int pause = i < reply.pauses_ms.size() ? reply.pauses_ms[i] : 0;
        messages.push_back({{"text", reply.messages[i]}, {"pause_ms", pause}});
    }
    return messages;
}

std::string dump(const json& frame) {
    // Replacement instead of an exception: a reply is never lost over one bad byte.
    return frame.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

std::string_view code_name(ErrorCode code) {
    switch (code) {
        case ErrorCode::bad_json:
            return "bad_json";
        case ErrorCode::unknown_type:
            return "unknown_type";
        case ErrorCode::bad_frame:
            return "bad_frame";
        case ErrorCode::too_large:
            return "too_large";
        case ErrorCode::rate_limited:
            return "rate_limited";
        case ErrorCode::invalid_utf8:
            return "invalid_utf8";
        case ErrorCode::server_busy:
            return "server_busy";
        case ErrorCode::shutting_down:
            return "shutting_down";
        case ErrorCode::server_error:
            return "server_error";
    }
    return "server_error";
}

std::string_view error_message(ErrorCode code) {
    switch (code) {
        case ErrorCode::bad_json:
            return "a frame must be one JSON object";
        case ErrorCode::unknown_type:
            return "type must be \"hello\" or \"say\"";
        case ErrorCode::bad_frame:
            return "send text frames: {\"type\":\"say\",\"text\":\"...\"}; hello only first";
        case ErrorCode::too_large:
            return "the message is too large";
        case ErrorCode::rate_limited:
            return "too many messages at once; this one was not read, please slow down";
        case ErrorCode::invalid_utf8:
            return "text frames must be UTF-8";
        case ErrorCode::server_busy:
            return "the server is busy; please try again in a minute";
        case ErrorCode::shutting_down:
            return "the server is restarting; please reconnect in a moment";
        case ErrorCode::server_error:
            return "something went wrong on our side; please try again";
    }
    return "error";
}

tl::expected<ClientFrame, FrameError> parse_client_frame(std::string_view text) {
    const json frame = json::parse(text, nullptr, false);
    if (frame.is_discarded() || !frame.is_object()) {
        return tl::unexpected(FrameError{ErrorCode::bad_json, std::string{error_message(ErrorCode::bad_json)}});
    }
    const auto type = frame.find("type");
    if (type == frame.end() || !type->is_string()) {
        return tl::unexpected(FrameError{ErrorCode::unknown_type, "a frame needs a \"type\": \"hello\" or \"say\""});
    }
    if (*type == "say") {
        const auto said = frame.find("text");
        if (said == frame.end() || !said->is_string()) {
            return tl::unexpected(FrameError{ErrorCode::bad_frame, "a say needs a \"text\" string"});
        }
        return Say{said->get<std::string>()};
    }
    if (*type == "hello") {
        Hello hello;
        if (const auto session = frame.find("session"); session != frame.end() && session->is_string()) {
            hello.session = session->get<std::string>();
        }
        return hello;
    }
    return tl::unexpected(FrameError{ErrorCode::unknown_type, std::string{error_message(ErrorCode::unknown_type)}});
}

std::string welcome_frame(const std::string& session, bool resumed, const Reply& greeting, const HelpLink& help) {
    json frame{{"type", "welcome"}};
    frame["session"] = session.empty() ? json(nullptr) : json(session);
    frame["resumed"] = resumed;
    frame["messages"] = resumed ? json::array() : messages_json(greeting);
    frame["options"] = greeting.options;
    frame["state"] = greeting.state;
    frame["help"] = {{"text", help.text}, {"url", help.url}};
    return dump(frame);
}

std::string reply_frame(const Reply& reply) {
    // Written directly (one frame per turn: a JSON DOM cost a tenth of the server's time),
    // with the keys in the order nlohmann::json gives the other frames (sorted).
    using json_writer::append_json_array;
    using json_writer::append_json_string;
    std::string out;
    out.reserve(256);
    out += '{';
    if (!reply.error.empty()) {
        out += "\"error\":";
        append_json_string(out, reply.error);
        out += ',';
    }
    out += "\"messages\":[";
    for (std::size_t i = 0; i < reply.messages.size(); ++i) {
        if (i > 0) out += ',';
        out += "{\"pause_ms\":";
        out += std::to_string(i < reply.pauses_ms.size() ? reply.pauses_ms[i] : 0);
        out += ",\"text\":";
        append_json_string(out, reply.messages[i]);
        out += '}';
    }
    out += "],\"options\":";
    append_json_array(out, reply.options);
    out += ",\"safety\":";
    if (reply.safety.empty()) {
        out += "null";
    } else {
        append_json_string(out, reply.safety);
    }
    out += ",\"state\":";
    append_json_string(out, reply.state);
    out += ",\"type\":\"reply\"}";
    return out;
}

std::string error_frame(ErrorCode code) { return error_frame(code, error_message(code)); }

std::string error_frame(ErrorCode code, std::string_view message) {
    return dump(json{{"type", "error"}, {"code", code_name(code)}, {"message", message}});
}

}  // namespace reframe::websocket
