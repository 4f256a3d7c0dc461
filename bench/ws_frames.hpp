#pragma once
/// The client's side of RFC 6455 that ws_load needs (bench/ws_load.cpp): the opening
/// handshake's request and the check of its answer, masked frames out, and the server's
/// frames parsed from whatever bytes have arrived so far. Pure functions over strings, so
/// the tests drive them without a socket (tests/test_ws_frames.cpp).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace wsload {

enum class Opcode : std::uint8_t { continuation = 0x0, text = 0x1, binary = 0x2, close = 0x8, ping = 0x9, pong = 0xA };

/// Appends one complete (FIN) client frame carrying `payload`, masked with `mask` as
/// RFC 6455 section 5.3 requires of every frame a client sends.
void append_client_frame(std::string& out, Opcode opcode, std::string_view payload, std::uint32_t mask);

/// One frame the server sent. `payload` points into the bytes given to parse_server_frame().
struct Frame {
    Opcode opcode = Opcode::text;
    bool fin = true;
    std::string_view payload;
};

/// What parse_server_frame() found at the start of its input.
struct Parsed {
    enum class Status { frame, incomplete, bad };
    Status status = Status::incomplete;
    Frame frame;           // when status is frame
    std::size_t size = 0;  // the frame's bytes, header included (when status is frame)
    std::string error;     // when status is bad: what breaks the protocol
};

/// Parses the frame at the start of `in`. A server's frames are never masked, use no
/// reserved bits (no extension was negotiated) and no unknown opcode; a control frame is
/// unfragmented and at most 125 bytes; a payload above `max_payload` is refused rather than
/// waited for.
Parsed parse_server_frame(std::string_view in, std::size_t max_payload);

/// A Sec-WebSocket-Key: 16 bytes from `random`, in base64.
std::string handshake_key(std::uint64_t random_high, std::uint64_t random_low);

/// The opening handshake's request (HTTP/1.1 GET with Upgrade), ending in a blank line.
std::string upgrade_request(std::string_view host, std::string_view path, std::string_view origin,
                            std::string_view key);

/// Where the response head in `in` ends (just past its blank line), or 0 while it has not
/// all arrived.
std::size_t response_head_end(std::string_view in);

/// Checks the server's answer to upgrade_request(`key`): 101, `Upgrade: websocket`,
/// `Connection: upgrade` and the Sec-WebSocket-Accept that `key` calls for. `head` is the
/// response up to and including its blank line.
tl::expected<void, std::string> check_upgrade_response(std::string_view head, std::string_view key);

}  // namespace wsload
