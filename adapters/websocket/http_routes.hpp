#pragma once
/// The HTTP side of `reframe serve`, as pure functions of a request: the embedded page and
/// assets, /healthz, /metrics, errors, security headers and the Origin check of /ws.

#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/http.hpp>

#include "metrics.hpp"

namespace reframe::websocket {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

/// Beast 1.74's string_view is Boost's; these convert without copying.
inline std::string_view to_std(boost::beast::string_view s) { return {s.data(), s.size()}; }
inline boost::beast::string_view to_beast(std::string_view s) { return {s.data(), s.size()}; }

/// The path WebSocket clients upgrade on.
inline constexpr std::string_view websocket_path = "/ws";

/// The Content-Security-Policy of every response: everything from this origin only, no
/// inline script or style, no framing.
inline constexpr std::string_view content_security_policy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Adds CSP, X-Content-Type-Options, Referrer-Policy, X-Frame-Options (and HSTS with TLS).
void add_security_headers(http::fields& fields, bool tls);

/// The answer to a request that is not a WebSocket upgrade.
Response route_request(const Request& request, const Metrics& metrics, bool shutting_down, bool tls);

/// A plain-text response with the security headers (for 403 and other refusals).
Response text_response(const Request& request, http::status status, std::string body, bool tls);

/// True when a browser page may open /ws: no Origin header (not a browser), the server's
/// own origin (scheme + Host header), or one of `allowed` (exact, without a trailing /).
bool origin_allowed(const Request& request, const std::vector<std::string>& allowed, bool tls);

}  // namespace reframe::websocket
