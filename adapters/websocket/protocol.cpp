#include "protocol.hpp"

#include <optional>
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

/// Reads a client frame as it is parsed (nlohmann's SAX interface), keeping only the
/// top-level strings a frame may carry: one frame per say, and a DOM of it cost more than
/// its parse. As with the DOM, the last of repeated keys wins, and a value of another type
/// replaces a string.
class FrameReader {
public:
    using Field = std::optional<std::string>;  // the value, when it is a string
    Field type, text, session;
    bool object = false;  // the frame is a JSON object

    bool null() { return scalar(); }
    bool boolean(bool) { return scalar(); }
    bool number_integer(json::number_integer_t) { return scalar(); }
    bool number_unsigned(json::number_unsigned_t) { return scalar(); }
    bool number_float(json::number_float_t, const json::string_t&) { return scalar(); }
    bool binary(json::binary_t&) { return scalar(); }
    bool string(json::string_t& value) {
        if (depth_ == 1 && field_ != nullptr) *field_ = std::move(value);
        field_ = nullptr;
        return true;
    }
    bool start_object(std::size_t) { return open(true); }
    bool start_array(std::size_t) { return open(false); }
    bool end_object() { return close(); }
    bool end_array() { return close(); }
    bool key(json::string_t& name) {
        if (depth_ == 1)
            field_ = name == "type" ? &type : name == "text" ? &text : name == "session" ? &session : nullptr;
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) { return false; }

private:
    bool scalar() {
        if (depth_ == 1 && field_ != nullptr) field_->reset();
        field_ = nullptr;
        return true;
    }
    bool open(bool is_object) {
        if (depth_ == 0) object = is_object;
        if (depth_ == 1 && field_ != nullptr) field_->reset();
        field_ = nullptr;
        ++depth_;
        return true;
    }
    bool close() {
        --depth_;
        return true;
    }

    std::size_t depth_ = 0;
    Field* field_ = nullptr;  // the top-level key whose value comes next, if one of ours
};

/// The say every client sends, `{"type":"say","text":"…"}` with plain ASCII text (no
/// quote, backslash, control character or byte from 0x80), read without a JSON parser: its
/// text is those bytes as they are. Parsing it byte by byte cost a twentieth of the server's
/// instructions under load; anything else (other keys or order, spaces, escapes, UTF-8)
/// goes to the parser, which gives the same answer for these.
std::optional<std::string_view> plain_say(std::string_view frame) {
    constexpr std::string_view head = R"({"type":"say","text":")";
    constexpr std::string_view tail = R"("})";
    if (frame.size() < head.size() + tail.size() || !frame.starts_with(head) || !frame.ends_with(tail)) {
        return std::nullopt;
    }
    const std::string_view text = frame.substr(head.size(), frame.size() - head.size() - tail.size());
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte >= 0x80 || c == '"' || c == '\\') return std::nullopt;
    }
    return text;
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
    if (const auto said = plain_say(text)) return Say{std::string{*said}};
    FrameReader frame;
    if (!json::sax_parse(text, &frame) || !frame.object) {
        return tl::unexpected(FrameError{ErrorCode::bad_json, std::string{error_message(ErrorCode::bad_json)}});
    }
    if (!frame.type) {
        return tl::unexpected(FrameError{ErrorCode::unknown_type, "a frame needs a \"type\": \"hello\" or \"say\""});
    }
    if (*frame.type == "say") {
        if (!frame.text) return tl::unexpected(FrameError{ErrorCode::bad_frame, "a say needs a \"text\" string"});
        return Say{std::move(*frame.text)};
    }
    if (*frame.type == "hello") return Hello{std::move(frame.session)};
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
