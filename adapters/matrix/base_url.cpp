#include <cctype>
#include <string>

#include "http_client.hpp"

namespace reframe::matrix {

tl::expected<BaseUrl, std::string> parse_base_url(const std::string& url) {
    BaseUrl out;
    std::string rest;
    if (url.rfind("https://", 0) == 0) {
        rest = url.substr(8);
    } else if (url.rfind("http://", 0) == 0) {
        out.tls = false;
        rest = url.substr(7);
    } else {
        return tl::unexpected(std::string("the homeserver URL must start with http:// or https://"));
    }
    const auto slash = rest.find('/');
    std::string authority = rest.substr(0, slash);
    if (slash != std::string::npos) out.prefix = rest.substr(slash);
    while (!out.prefix.empty() && out.prefix.back() == '/') out.prefix.pop_back();
    const auto colon = authority.rfind(':');
    if (colon != std::string::npos && authority.find(']') == std::string::npos) {
        out.port = authority.substr(colon + 1);
        authority.resize(colon);
        if (out.port.empty() || out.port.find_first_not_of("0123456789") != std::string::npos) {
            return tl::unexpected(std::string("the homeserver URL has a bad port"));
        }
    } else {
        out.port = out.tls ? "443" : "80";
    }
    if (authority.empty()) return tl::unexpected(std::string("the homeserver URL has no host"));
    out.host = authority;
    return out;
}

std::string url_encode(const std::string& text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
            out += ch;
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

}  // namespace reframe::matrix
