#include "ws_frames.hpp"

#include <array>
#include <cstring>

#include <openssl/evp.h>
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/rfc7230.hpp>

namespace wsload {
namespace {

namespace http = boost::beast::http;

constexpr std::uint8_t fin_bit = 0x80;
constexpr std::uint8_t rsv_bits = 0x70;
constexpr std::uint8_t opcode_bits = 0x0F;
constexpr std::uint8_t mask_bit = 0x80;
constexpr std::uint8_t length_bits = 0x7F;
constexpr std::size_t max_control_payload = 125;

std::string base64(const unsigned char* data, std::size_t size) {
    std::string out(4 * ((size + 2) / 3), '\0');
    const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
    out.resize(written > 0 ? static_cast<std::size_t>(written) : 0);
    return out;
}

std::string expected_accept(std::string_view key) {
    // RFC 6455 section 1.3: base64(SHA-1(key + this GUID)).
    const std::string text = std::string(key) + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned size = 0;
    if (EVP_Digest(text.data(), text.size(), digest.data(), &size, EVP_sha1(), nullptr) != 1) return {};
    return base64(digest.data(), size);
}

bool known(std::uint8_t opcode) {
    switch (static_cast<Opcode>(opcode)) {
        case Opcode::continuation:
        case Opcode::text:
        case Opcode::binary:
        case Opcode::close:
        case Opcode::ping:
        case Opcode::pong:
            return true;
    }
    return false;
}

Parsed bad(std::string error) {
    Parsed parsed;
    parsed.status = Parsed::Status::bad;
    parsed.error = std::move(error);
    return parsed;
}

}  // namespace

void append_client_frame(std::string& out, Opcode opcode, std::string_view payload, std::uint32_t mask) {
    out += static_cast<char>(fin_bit | static_cast<std::uint8_t>(opcode));
    const std::size_t size = payload.size();
    if (size < 126) {
        out += static_cast<char>(mask_bit | size);
    } else if (size <= 0xFFFF) {
        out += static_cast<char>(mask_bit | 126U);
        out += static_cast<char>((size >> 8U) & 0xFFU);
        out += static_cast<char>(size & 0xFFU);
    } else {
        out += static_cast<char>(mask_bit | 127U);
        for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((size >> shift) & 0xFFU);
    }
    std::array<char, 4> key{};
    for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<char>((mask >> (24 - 8 * i)) & 0xFFU);
    out.append(key.data(), key.size());
    const std::size_t start = out.size();
    out.append(payload);
    for (std::size_t i = 0; i < size; ++i) out[start + i] = static_cast<char>(out[start + i] ^ key[i % 4]);
}

Parsed parse_server_frame(std::string_view in, std::size_t max_payload) {
    if (in.size() < 2) return {};
    const auto first = static_cast<std::uint8_t>(in[0]);
    const auto second = static_cast<std::uint8_t>(in[1]);
    if ((first & rsv_bits) != 0) return bad("a frame uses reserved bits");
    const std::uint8_t opcode = first & opcode_bits;
    if (!known(opcode)) return bad("a frame has the unknown opcode " + std::to_string(opcode));
    if ((second & mask_bit) != 0) return bad("the server masked a frame");
    const bool fin = (first & fin_bit) != 0;
    std::uint64_t size = second & length_bits;
    std::size_t header = 2;
    if (size == 126) {
        if (in.size() < 4) return {};
        size = (std::uint64_t{static_cast<std::uint8_t>(in[2])} << 8U) | static_cast<std::uint8_t>(in[3]);
        header = 4;
    } else if (size == 127) {
        if (in.size() < 10) return {};
        size = 0;
        for (std::size_t i = 2; i < 10; ++i) size = (size << 8U) | static_cast<std::uint8_t>(in[i]);
        header = 10;
    }
    if (opcode >= static_cast<std::uint8_t>(Opcode::close) && (!fin || size > max_control_payload)) {
        return bad("a control frame is fragmented or longer than 125 bytes");
    }
    if (size > max_payload) return bad("a frame's payload is " + std::to_string(size) + " bytes, above the limit");
    const auto length = static_cast<std::size_t>(size);
    if (in.size() - header < length) return {};
    Parsed parsed;
    parsed.status = Parsed::Status::frame;
    parsed.frame = Frame{static_cast<Opcode>(opcode), fin, in.substr(header, length)};
    parsed.size = header + length;
    return parsed;
}

std::string handshake_key(std::uint64_t random_high, std::uint64_t random_low) {
    std::array<unsigned char, 16> bytes{};
    for (std::size_t i = 0; i < 8; ++i) {
        bytes[i] = static_cast<unsigned char>((random_high >> (8 * i)) & 0xFFU);
        bytes[8 + i] = static_cast<unsigned char>((random_low >> (8 * i)) & 0xFFU);
    }
    return base64(bytes.data(), bytes.size());
}

std::string upgrade_request(std::string_view host, std::string_view path, std::string_view origin,
                            std::string_view key) {
    std::string request = "GET ";
    request.append(path).append(" HTTP/1.1\r\nHost: ").append(host);
    request.append("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ");
    request.append(key).append("\r\n");
    if (!origin.empty()) request.append("Origin: ").append(origin).append("\r\n");
    request.append("\r\n");
    return request;
}

std::size_t response_head_end(std::string_view in) {
    const auto end = in.find("\r\n\r\n");
    return end == std::string_view::npos ? 0 : end + 4;
}

tl::expected<void, std::string> check_upgrade_response(std::string_view head, std::string_view key) {
    http::response_parser<http::empty_body> parser;
    parser.eager(true);
    boost::beast::error_code ec;
    parser.put(boost::asio::buffer(head.data(), head.size()), ec);
    if (!parser.is_header_done()) {
        return tl::unexpected("the handshake's answer is not an HTTP response" +
                              (ec ? " (" + ec.message() + ")" : std::string{}));
    }
    const auto& response = parser.get();
    if (response.result() != http::status::switching_protocols) {
        return tl::unexpected("the server answered the handshake with " + std::to_string(response.result_int()));
    }
    if (!boost::beast::iequals(response[http::field::upgrade], "websocket")) {
        return tl::unexpected(std::string{"the handshake's answer lacks Upgrade: websocket"});
    }
    if (!http::token_list{response[http::field::connection]}.exists("upgrade")) {
        return tl::unexpected(std::string{"the handshake's answer lacks Connection: upgrade"});
    }
    const auto accept = response[http::field::sec_websocket_accept];
    if (std::string_view{accept.data(), accept.size()} != expected_accept(key)) {
        return tl::unexpected(std::string{"the handshake's Sec-WebSocket-Accept does not match the key"});
    }
    return {};
}

}  // namespace wsload
