#include "reply_format.hpp"

#include <cctype>

#include <openssl/evp.h>

namespace reframe::matrix {
namespace {

std::string trim(const std::string& text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    const auto last = text.find_last_not_of(" \t\r\n.)");
    return last < first ? std::string{} : text.substr(first, last - first + 1);
}

/// Each line of `text` escaped, joined with <br>.
std::string html_lines(const std::string& text) {
    std::string out;
    for (const char c : escape_html(text)) {
        if (c == '\n') {
            out += "<br>";
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace

std::string escape_html(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

nlohmann::json message_content(const std::string& text, const std::vector<std::string>& options,
                               const std::string& msgtype) {
    std::string body = text;
    std::string html = text.empty() ? std::string{} : "<p>" + html_lines(text) + "</p>";
    if (!options.empty()) {
        if (!body.empty()) body += "\n\n";
        html += "<ol>";
        for (std::size_t i = 0; i < options.size(); ++i) {
            body += std::to_string(i + 1) + ". " + options[i] + (i + 1 < options.size() ? "\n" : "");
            html += "<li>" + html_lines(options[i]) + "</li>";
        }
        html += "</ol>";
    }
    return {{"msgtype", msgtype}, {"body", body}, {"format", "org.matrix.custom.html"}, {"formatted_body", html}};
}

std::string resolve_option(const std::string& text, const std::vector<std::string>& options) {
    const auto number = trim(text);
    if (number.empty() || number.size() > 3) return text;
    for (const char c : number) {
        if (std::isdigit(static_cast<unsigned char>(c)) == 0) return text;
    }
    const auto index = std::stoul(number);
    if (index == 0 || index > options.size()) return text;
    return options[index - 1];
}

std::string transaction_id(const std::string& event_id, int part) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_Digest(event_id.data(), event_id.size(), digest, &size, EVP_sha256(), nullptr);
    static constexpr char hex[] = "0123456789abcdef";
    std::string id = "reframe.";
    for (unsigned int i = 0; i < 16 && i < size; ++i) {
        id += hex[digest[i] >> 4];
        id += hex[digest[i] & 15];
    }
    return id + "." + std::to_string(part);
}

}  // namespace reframe::matrix
