#pragma once
/// The WebSocket protocol of docs/websocket.md: client frames parsed, server frames written.
/// Pure functions over text, no I/O (the sessions do the I/O).

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <tl/expected.hpp>

#include "reframe/engine.hpp"

namespace reframe::websocket {

/// The stable codes of `{"type":"error","code":…}` frames.
enum class ErrorCode {
    bad_json,       // not a JSON object
    unknown_type,   // "type" is missing or not hello/say
    bad_frame,      // a binary frame, a say without a text string, a hello after the first frame
    too_large,      // over limits.max_message_bytes (then closed with 1009)
    rate_limited,   // over the per-connection or per-IP rate (the frame is not handled)
    invalid_utf8,   // a text frame that is not UTF-8 (closed with 1007)
    server_busy,    // max_connections reached (then closed with 1013)
    shutting_down,  // the server is stopping (then closed with 1001)
    server_error,   // the engine could not handle the turn (e.g. the database failed)
};

/// "bad_json", "unknown_type", …
std::string_view code_name(ErrorCode code);

/// `{"type":"hello"}` or `{"type":"hello","session":"<token>"}`.
struct Hello {
    /// The token the client presented, if it presented a string; checked by the caller.
    std::optional<std::string> session;
};

/// `{"type":"say","text":"…"}`.
struct Say {
    std::string text;
};

struct FrameError {
    ErrorCode code;
    std::string message;  // for people reading the error, never containing what was sent
};

using ClientFrame = std::variant<Hello, Say>;

/// Parses one text frame.
tl::expected<ClientFrame, FrameError> parse_client_frame(std::string_view text);

/// The "get help now" link of the welcome frame: the locale's crisis line and help page.
struct HelpLink {
    std::string text;
    std::string url;
};

/// `{"type":"welcome","session":…,"resumed":…,"messages":[…],"options":[…],"state":…,"help":{…}}`;
/// `greeting` gives messages (only for a new session), options and state. An empty
/// `session` (a connection-scoped session) is written as null.
std::string welcome_frame(const std::string& session, bool resumed, const Reply& greeting, const HelpLink& help);

/// `{"type":"reply","messages":[{"text":…,"pause_ms":N}],"options":[…],"state":…,"safety":…}`.
std::string reply_frame(const Reply& reply);

/// `{"type":"error","code":…,"message":…}` with the code's standard message.
std::string error_frame(ErrorCode code);

/// An error frame with its own message (say what is wrong, never echo what was sent).
std::string error_frame(ErrorCode code, std::string_view message);

/// The standard message of `code`.
std::string_view error_message(ErrorCode code);

}  // namespace reframe::websocket
