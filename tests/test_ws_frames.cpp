// The load client's side of RFC 6455 (bench/ws_frames.hpp): frames out, frames in, and the
// opening handshake. bench/test_ws_load.py drives the whole client against live servers.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "ws_frames.hpp"

using wsload::Opcode;
using wsload::Parsed;

namespace {

/// Undoes append_client_frame(): the payload, after checking the header's shape.
std::string unmask(const std::string& frame, std::size_t header) {
    REQUIRE((static_cast<unsigned char>(frame[1]) & 0x80U) != 0);  // masked
    const std::string key = frame.substr(header - 4, 4);
    std::string payload = frame.substr(header);
    for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>(payload[i] ^ key[i % 4]);
    return payload;
}

std::string server_frame(unsigned char first, const std::string& payload) {
    std::string out(1, static_cast<char>(first));
    if (payload.size() < 126) {
        out += static_cast<char>(payload.size());
    } else if (payload.size() <= 0xFFFF) {
        out += static_cast<char>(126);
        out += static_cast<char>(payload.size() >> 8U);
        out += static_cast<char>(payload.size() & 0xFFU);
    } else {
        out += static_cast<char>(127);
        for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((payload.size() >> shift) & 0xFFU);
    }
    return out + payload;
}

}  // namespace

TEST_CASE("client frames are masked, with the shortest length encoding", "[bench][ws_load]") {
    for (const std::size_t size :
         {std::size_t{0}, std::size_t{125}, std::size_t{126}, std::size_t{65535}, std::size_t{65536}}) {
        const std::string payload(size, 'p');
        std::string frame;
        wsload::append_client_frame(frame, Opcode::text, payload, 0xA1B2C3D4U);
        const std::size_t header = size < 126 ? 6 : size <= 0xFFFF ? 8 : 14;
        CAPTURE(size);
        REQUIRE(frame.size() == header + size);
        CHECK(static_cast<unsigned char>(frame[0]) == 0x81);  // FIN, text
        CHECK((static_cast<unsigned char>(frame[1]) & 0x7FU) == (size < 126 ? size : size <= 0xFFFF ? 126 : 127));
        CHECK(frame.substr(header - 4, 4) == "\xA1\xB2\xC3\xD4");
        CHECK(unmask(frame, header) == payload);
        if (size > 0) CHECK(frame.substr(header) != payload);  // the mask changed the bytes
    }
    std::string pong;
    wsload::append_client_frame(pong, Opcode::pong, "hi", 0);
    CHECK(static_cast<unsigned char>(pong[0]) == 0x8A);
}

TEST_CASE("server frames are parsed once they have all arrived", "[bench][ws_load]") {
    for (const std::size_t size : {std::size_t{3}, std::size_t{300}, std::size_t{70000}}) {
        const std::string payload(size, 'r');
        const std::string frame = server_frame(0x81, payload) + server_frame(0x89, "ping!");
        CAPTURE(size);
        const std::size_t first_size = frame.size() - 7;
        for (std::size_t cut = 0; cut < first_size; cut += cut < 20 ? 1 : 997) {
            CHECK(wsload::parse_server_frame(std::string_view(frame).substr(0, cut), 1 << 20).status ==
                  Parsed::Status::incomplete);
        }
        const Parsed first = wsload::parse_server_frame(frame, 1 << 20);
        REQUIRE(first.status == Parsed::Status::frame);
        CHECK(first.frame.opcode == Opcode::text);
        CHECK(first.frame.fin);
        CHECK(first.frame.payload == payload);
        CHECK(first.size == first_size);
        const Parsed second = wsload::parse_server_frame(std::string_view(frame).substr(first.size), 1 << 20);
        REQUIRE(second.status == Parsed::Status::frame);
        CHECK(second.frame.opcode == Opcode::ping);
        CHECK(second.frame.payload == "ping!");
    }
    const Parsed fragment = wsload::parse_server_frame(server_frame(0x01, "part"), 100);
    REQUIRE(fragment.status == Parsed::Status::frame);
    CHECK_FALSE(fragment.frame.fin);
}

TEST_CASE("server frames that break the protocol are refused with the reason", "[bench][ws_load]") {
    const auto refused = [](const std::string& frame, std::size_t limit = 1 << 20) {
        const Parsed parsed = wsload::parse_server_frame(frame, limit);
        CHECK(parsed.status == Parsed::Status::bad);
        return parsed.error;
    };
    CHECK_THAT(refused(std::string("\x81\x82\x01\x02\x03\x04hi", 8)), Catch::Contains("masked"));
    CHECK_THAT(refused(server_frame(0xC1, "x")), Catch::Contains("reserved"));
    CHECK_THAT(refused(server_frame(0x83, "x")), Catch::Contains("opcode 3"));
    CHECK_THAT(refused(server_frame(0x09, "x")), Catch::Contains("control"));  // a fragmented ping
    CHECK_THAT(refused(server_frame(0x89, std::string(126, 'x'))), Catch::Contains("control"));
    // Refused from the header alone: the client never waits for (or buffers) a huge payload.
    CHECK_THAT(refused(server_frame(0x81, std::string(200, 'x')).substr(0, 4), 199), Catch::Contains("limit"));
}

TEST_CASE("the handshake: the request, and the checks of the server's answer", "[bench][ws_load]") {
    const std::string key = wsload::handshake_key(0x0123456789ABCDEFULL, 0xFEDCBA9876543210ULL);
    CHECK(key.size() == 24);  // 16 bytes in base64
    CHECK(key != wsload::handshake_key(1, 2));
    const std::string request = wsload::upgrade_request("127.0.0.1:8080", "/ws", "http://127.0.0.1:8080", key);
    CHECK(request.rfind("GET /ws HTTP/1.1\r\n", 0) == 0);
    CHECK_THAT(request, Catch::Contains("\r\nHost: 127.0.0.1:8080\r\n") &&
                            Catch::Contains("\r\nUpgrade: websocket\r\n") &&
                            Catch::Contains("\r\nSec-WebSocket-Key: " + key + "\r\n") &&
                            Catch::Contains("\r\nOrigin: http://127.0.0.1:8080\r\n"));
    CHECK(request.size() >= 4);
    CHECK(request.substr(request.size() - 4) == "\r\n\r\n");
    CHECK_THAT(wsload::upgrade_request("h:1", "/ws", "", key), !Catch::Contains("Origin"));

    // RFC 6455 section 1.3's own example key and answer.
    const std::string sample_key = "dGhlIHNhbXBsZSBub25jZQ==";
    const std::string good =
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
    CHECK(wsload::response_head_end(good + "\x81\x00") == good.size());
    CHECK(wsload::response_head_end(good.substr(0, good.size() - 1)) == 0);
    CHECK(wsload::check_upgrade_response(good, sample_key));

    const auto error = [&](const std::string& head, const std::string& with_key) {
        const auto checked = wsload::check_upgrade_response(head, with_key);
        REQUIRE_FALSE(checked);
        return checked.error();
    };
    CHECK_THAT(error(good, key), Catch::Contains("Accept"));
    CHECK_THAT(error("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n", sample_key), Catch::Contains("403"));
    std::string no_upgrade = good;
    no_upgrade.replace(no_upgrade.find("Upgrade: websocket"), 18, "Upgrade: h2c");
    CHECK_THAT(error(no_upgrade, sample_key), Catch::Contains("Upgrade"));
    std::string no_connection = good;
    no_connection.replace(no_connection.find("Connection: Upgrade"), 19, "Connection: close");
    CHECK_THAT(error(no_connection, sample_key), Catch::Contains("Connection"));
    CHECK_THAT(error("SSH-2.0-OpenSSH\r\n\r\n", sample_key), Catch::Contains("not an HTTP response"));
}
