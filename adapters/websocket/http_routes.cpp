#include "http_routes.hpp"

#include <algorithm>

#include "web_assets.hpp"

namespace reframe::websocket {
namespace {

std::string_view path_of(std::string_view target) {
    return target.substr(0, std::min(target.size(), target.find_first_of("?#")));
}

Response asset_response(const Request& request, const WebAsset& asset, bool tls) {
    Response response{http::status::ok, request.version()};
    response.set(http::field::content_type, to_beast(asset.content_type));
    // The page changes with the binary; a browser asks again each time (cheap, and never stale).
    response.set(http::field::cache_control, "no-cache");
    response.body() = std::string{asset.body};
    add_security_headers(response.base(), tls);
    return response;
}

}  // namespace

void add_security_headers(http::fields& fields, bool tls) {
    fields.set(http::field::server, "reframe");
    fields.set("Content-Security-Policy", to_beast(content_security_policy));
    fields.set("X-Content-Type-Options", "nosniff");
    fields.set("Referrer-Policy", "no-referrer");
    fields.set("X-Frame-Options", "DENY");
    fields.set("Cross-Origin-Opener-Policy", "same-origin");
    if (tls) fields.set("Strict-Transport-Security", "max-age=31536000");
}

Response text_response(const Request& request, http::status status, std::string body, bool tls) {
    Response response{status, request.version()};
    response.set(http::field::content_type, "text/plain; charset=utf-8");
    response.set(http::field::cache_control, "no-store");
    response.body() = std::move(body);
    add_security_headers(response.base(), tls);
    response.keep_alive(request.keep_alive());
    response.prepare_payload();
    return response;
}

Response route_request(const Request& request, const Metrics& metrics, bool shutting_down, bool tls) {
    const auto method = request.method();
    if (method != http::verb::get && method != http::verb::head) {
        auto response = text_response(request, http::status::method_not_allowed, "only GET and HEAD\n", tls);
        response.set(http::field::allow, "GET, HEAD");
        return response;
    }
    const auto path = path_of(to_std(request.target()));
    Response response;
    if (path == "/healthz") {
        response = shutting_down ? text_response(request, http::status::service_unavailable, "shutting down\n", tls)
                                 : text_response(request, http::status::ok, "ok\n", tls);
    } else if (path == "/metrics") {
        response = text_response(request, http::status::ok, metrics.render(), tls);
        response.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    } else if (path == websocket_path) {
        response = text_response(request, http::status::upgrade_required, "this path takes WebSocket upgrades\n", tls);
        response.set(http::field::upgrade, "websocket");
    } else if (const auto* asset = find_web_asset(path)) {
        response = asset_response(request, *asset, tls);
    } else {
        response = text_response(request, http::status::not_found, "not found\n", tls);
    }
    response.keep_alive(request.keep_alive());
    response.prepare_payload();
    if (method == http::verb::head) response.body().clear();  // Content-Length stays the GET's
    return response;
}

bool origin_allowed(const Request& request, const std::vector<std::string>& allowed, bool tls) {
    const auto origin = request.find(http::field::origin);
    if (origin == request.end()) return true;
    const std::string value{to_std(origin->value())};
    const auto host = request.find(http::field::host);
    if (host != request.end() &&
        value == std::string{tls ? "https://" : "http://"} + std::string{to_std(host->value())}) {
        return true;
    }
    return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

}  // namespace reframe::websocket
