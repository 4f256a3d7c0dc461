#pragma once
/// A small blocking HTTP/1.1 client over Boost.Beast, plain or TLS (OpenSSL), with one
/// kept-alive connection and a deadline on every request.
///
/// Thread-safety: one thread calls perform() at a time; cancel() may be called from any
/// thread and makes the call in flight (and every later one) fail with "cancelled".

#include <chrono>
#include <memory>
#include <string>

#include <tl/expected.hpp>

namespace reframe::matrix {

/// A homeserver's base URL split up: https://matrix.example.org:8448/prefix
struct BaseUrl {
    bool tls = true;
    std::string host;
    std::string port;    // "443", "80" or the given one
    std::string prefix;  // "" or "/prefix" (no trailing slash)
};

/// Parses http://host[:port][/path] and https://…; a sentence when it is not one.
tl::expected<BaseUrl, std::string> parse_base_url(const std::string& url);

struct HttpRequest {
    std::string method = "GET";  // GET, POST, PUT
    std::string target;          // path and query, after the base URL's prefix
    std::string body;            // JSON; empty: no body
    std::string bearer;          // access token; empty: none
    std::chrono::milliseconds timeout{20000};
};

struct HttpResponse {
    unsigned status = 0;
    std::string body;
    std::string retry_after;  // the Retry-After header, if any
};

/// What went wrong below HTTP: "connect: Connection refused", "cancelled", … (never a token).
struct TransportError {
    std::string message;
    bool cancelled = false;
};

class HttpClient {
public:
    explicit HttpClient(BaseUrl url);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    /// Sends one request and reads the whole response. A kept-alive connection the server
    /// closed meanwhile is reopened once.
    tl::expected<HttpResponse, TransportError> perform(const HttpRequest& request);

    /// Aborts the request in flight and refuses later ones.
    void cancel();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Percent-encodes a path segment or query value (RFC 3986 unreserved characters kept).
std::string url_encode(const std::string& text);

}  // namespace reframe::matrix
