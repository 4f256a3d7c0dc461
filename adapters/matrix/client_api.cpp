#include "client_api.hpp"

#include <utility>

#include "backoff.hpp"

namespace reframe::matrix {
namespace {

constexpr const char* api = "/_matrix/client/v3";

ApiResult<void> discard(const ApiResult<nlohmann::json>& result) {
    if (!result) return tl::unexpected(result.error());
    return {};
}

ApiError malformed(const std::string& what) {
    ApiError e;
    e.kind = ApiError::Kind::server;
    e.message = "unexpected response: " + what;
    return e;
}

}  // namespace

ApiResult<nlohmann::json> interpret_response(unsigned status, const std::string& body, const std::string& retry_after) {
    auto json = nlohmann::json::parse(body, nullptr, false);
    if (status >= 200 && status < 300) {
        if (!json.is_object()) return tl::unexpected(malformed("the body is not a JSON object"));
        return json;
    }
    ApiError e;
    e.status = status;
    if (json.is_object() && json.contains("errcode") && json["errcode"].is_string()) {
        e.errcode = json["errcode"].get<std::string>();
    }
    e.message = "HTTP " + std::to_string(status) + (e.errcode.empty() ? "" : " " + e.errcode);
    if (status == 429 || e.errcode == "M_LIMIT_EXCEEDED") {
        e.kind = ApiError::Kind::rate_limited;
        e.retry_after = rate_limit_wait(body, retry_after);
    } else if (status == 401 || e.errcode == "M_UNKNOWN_TOKEN" || e.errcode == "M_MISSING_TOKEN") {
        e.kind = ApiError::Kind::unknown_token;
    } else if (status >= 500 || status < 200) {
        e.kind = ApiError::Kind::server;
    } else {
        e.kind = ApiError::Kind::refused;
    }
    return tl::unexpected(e);
}

ClientApi::ClientApi(const BaseUrl& url, std::chrono::milliseconds request_timeout)
    : http_(url), timeout_(request_timeout) {}

ApiResult<nlohmann::json> ClientApi::call(const std::string& method, const std::string& target, const std::string& body,
                                          std::chrono::milliseconds timeout) {
    HttpRequest request;
    request.method = method;
    request.target = std::string(api) + target;
    request.body = body;
    request.bearer = token_;
    request.timeout = timeout;
    auto response = http_.perform(request);
    if (!response) {
        ApiError e;
        e.kind = response.error().cancelled ? ApiError::Kind::cancelled : ApiError::Kind::transport;
        e.message = response.error().message;
        return tl::unexpected(e);
    }
    return interpret_response(response->status, response->body, response->retry_after);
}

ApiResult<LoginResult> ClientApi::login(const std::string& user, const std::string& password,
                                        const std::string& device_id, const std::string& device_name) {
    nlohmann::json body{{"type", "m.login.password"},
                        {"identifier", {{"type", "m.id.user"}, {"user", user}}},
                        {"password", password},
                        {"initial_device_display_name", device_name}};
    if (!device_id.empty()) body["device_id"] = device_id;
    const std::string saved = std::exchange(token_, {});
    auto result = call("POST", "/login", body.dump(), timeout_);
    token_ = saved;
    if (!result) return tl::unexpected(result.error());
    const auto& j = *result;
    if (!j.contains("access_token") || !j["access_token"].is_string() || !j.contains("device_id") ||
        !j["device_id"].is_string()) {
        return tl::unexpected(malformed("login without access_token or device_id"));
    }
    return LoginResult{j.value("user_id", user), j["access_token"].get<std::string>(),
                       j["device_id"].get<std::string>()};
}

ApiResult<LoginResult> ClientApi::whoami() {
    auto result = call("GET", "/account/whoami", {}, timeout_);
    if (!result) return tl::unexpected(result.error());
    if (!result->contains("user_id") || !(*result)["user_id"].is_string()) {
        return tl::unexpected(malformed("whoami without user_id"));
    }
    return LoginResult{(*result)["user_id"].get<std::string>(), token_, result->value("device_id", "")};
}

ApiResult<nlohmann::json> ClientApi::sync(const std::string& since, const std::string& filter, int timeout_ms) {
    std::string target = "/sync?filter=" + url_encode(filter) + "&timeout=" + std::to_string(timeout_ms);
    if (!since.empty()) target += "&since=" + url_encode(since);
    return call("GET", target, {}, timeout_ + std::chrono::milliseconds(timeout_ms));
}

ApiResult<void> ClientApi::join(const std::string& room_id) {
    return discard(call("POST", "/rooms/" + url_encode(room_id) + "/join", "{}", timeout_));
}

ApiResult<void> ClientApi::leave(const std::string& room_id) {
    return discard(call("POST", "/rooms/" + url_encode(room_id) + "/leave", "{}", timeout_));
}

ApiResult<std::string> ClientApi::send(const std::string& room_id, const std::string& txn_id,
                                       const nlohmann::json& content) {
    auto result = call("PUT", "/rooms/" + url_encode(room_id) + "/send/m.room.message/" + url_encode(txn_id),
                       content.dump(), timeout_);
    if (!result) return tl::unexpected(result.error());
    return result->value("event_id", "");
}

ApiResult<void> ClientApi::typing(const std::string& room_id, const std::string& user_id, bool typing, int timeout_ms) {
    nlohmann::json body{{"typing", typing}};
    if (typing) body["timeout"] = timeout_ms;
    return discard(
        call("PUT", "/rooms/" + url_encode(room_id) + "/typing/" + url_encode(user_id), body.dump(), timeout_));
}

ApiResult<void> ClientApi::read_receipt(const std::string& room_id, const std::string& event_id) {
    return discard(
        call("POST", "/rooms/" + url_encode(room_id) + "/receipt/m.read/" + url_encode(event_id), "{}", timeout_));
}

std::string sync_filter() {
    const nlohmann::json filter{
        {"presence", {{"types", nlohmann::json::array()}}},
        {"account_data", {{"types", {"m.direct"}}}},
        {"room",
         {{"timeline", {{"limit", 50}, {"types", {"m.room.message", "m.room.member", "m.room.encryption"}}}},
          {"state", {{"lazy_load_members", true}, {"types", {"m.room.member", "m.room.encryption"}}}},
          {"ephemeral", {{"types", nlohmann::json::array()}}},
          {"account_data", {{"types", nlohmann::json::array()}}}}},
    };
    return filter.dump();
}

}  // namespace reframe::matrix
