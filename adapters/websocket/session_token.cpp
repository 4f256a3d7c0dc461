#include "session_token.hpp"

#include <array>
#include <stdexcept>

#include <openssl/rand.h>
#include <openssl/sha.h>

namespace reframe::websocket {
namespace {

constexpr std::size_t token_bytes = 32;
constexpr std::size_t token_chars = 43;  // ceil(32 * 8 / 6), no padding

template <std::size_t N>
std::array<unsigned char, N> random_bytes() {
    std::array<unsigned char, N> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
        throw std::runtime_error("the random number generator failed");
    }
    return bytes;
}

std::string hex(const unsigned char* data, std::size_t size) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(size * 2);
    for (std::size_t i = 0; i < size; ++i) {
        out += digits[data[i] >> 4];
        out += digits[data[i] & 0x0f];
    }
    return out;
}

}  // namespace

std::string new_session_token() {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const auto bytes = random_bytes<token_bytes>();
    std::string token;
    token.reserve(token_chars);
    unsigned buffer = 0;
    int bits = 0;
    for (const unsigned char byte : bytes) {
        buffer = (buffer << 8) | byte;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            token += alphabet[(buffer >> bits) & 0x3f];
        }
    }
    if (bits > 0) token += alphabet[(buffer << (6 - bits)) & 0x3f];
    return token;
}

bool is_well_formed_token(std::string_view token) {
    if (token.size() != token_chars) return false;
    for (const char c : token) {
        const bool ok =
            (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok) return false;
    }
    return true;
}

std::string user_id_for_token(std::string_view token) {
    std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
    SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest.data());
    return "web:" + hex(digest.data(), digest.size());
}

std::string connection_user_id() {
    const auto bytes = random_bytes<16>();
    return "conn:" + hex(bytes.data(), bytes.size());
}

}  // namespace reframe::websocket
