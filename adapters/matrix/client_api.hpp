#pragma once
/// The Matrix client-server API (v3) calls the bot makes, one method per endpoint, with
/// the request and response shapes of the spec. No retries here: see retry.hpp.
///
/// Thread-safety: a ClientApi belongs to one thread (it owns one HttpClient); cancel()
/// may be called from any thread.

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include "http_client.hpp"

namespace reframe::matrix {

struct ApiError {
    enum class Kind {
        transport,      // no HTTP answer: DNS, connect, timeout, connection lost
        rate_limited,   // 429 M_LIMIT_EXCEEDED
        server,         // 5xx, or a body that is not the JSON we expect
        unknown_token,  // 401 M_UNKNOWN_TOKEN / M_MISSING_TOKEN
        refused,        // any other 4xx: retrying will not help
        cancelled,      // shutting down
    };
    Kind kind = Kind::transport;
    unsigned status = 0;
    std::string errcode;                                   // "M_FORBIDDEN", …
    std::string message;                                   // for the log: never holds a token or what a person wrote
    std::optional<std::chrono::milliseconds> retry_after;  // 429 only
};

template <class T>
using ApiResult = tl::expected<T, ApiError>;

struct LoginResult {
    std::string user_id, access_token, device_id;
};

/// Classifies one HTTP response: success bodies parse as JSON objects; everything else
/// becomes an ApiError. Pure (unit-tested without sockets).
ApiResult<nlohmann::json> interpret_response(unsigned status, const std::string& body, const std::string& retry_after);

class ClientApi {
public:
    ClientApi(const BaseUrl& url, std::chrono::milliseconds request_timeout);

    void set_access_token(std::string token) { token_ = std::move(token); }
    const std::string& access_token() const { return token_; }

    /// POST /login (m.login.password with an m.id.user identifier). `device_id` empty: a new device.
    ApiResult<LoginResult> login(const std::string& user, const std::string& password, const std::string& device_id,
                                 const std::string& device_name);
    /// GET /account/whoami
    ApiResult<LoginResult> whoami();
    /// GET /sync?filter=…&timeout=…[&since=…]
    ApiResult<nlohmann::json> sync(const std::string& since, const std::string& filter, int timeout_ms);
    /// POST /rooms/{roomId}/join
    ApiResult<void> join(const std::string& room_id);
    /// POST /rooms/{roomId}/leave
    ApiResult<void> leave(const std::string& room_id);
    /// PUT /rooms/{roomId}/send/m.room.message/{txnId}; returns the new event id.
    ApiResult<std::string> send(const std::string& room_id, const std::string& txn_id, const nlohmann::json& content);
    /// PUT /rooms/{roomId}/typing/{userId}
    ApiResult<void> typing(const std::string& room_id, const std::string& user_id, bool typing, int timeout_ms);
    /// POST /rooms/{roomId}/receipt/m.read/{eventId}
    ApiResult<void> read_receipt(const std::string& room_id, const std::string& event_id);

    void cancel() { http_.cancel(); }

private:
    ApiResult<nlohmann::json> call(const std::string& method, const std::string& target, const std::string& body,
                                   std::chrono::milliseconds timeout);

    HttpClient http_;
    std::chrono::milliseconds timeout_;
    std::string token_;
};

/// The /sync filter the bot uses: timelines of at most 50 events, messages and membership
/// only, lazy-loaded members, no presence, account data only m.direct.
std::string sync_filter();

}  // namespace reframe::matrix
