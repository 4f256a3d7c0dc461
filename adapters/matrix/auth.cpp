#include "auth.hpp"

#include <spdlog/logger.h>

namespace reframe::matrix {
namespace {

/// The token belongs to this homeserver and user; a config pointing elsewhere must not reuse it.
std::string owner_key(const MatrixConfig& config) { return config.homeserver + " " + config.user_id; }

ApiError wrong_user(const std::string& who) {
    ApiError e;
    e.kind = ApiError::Kind::refused;
    e.message = "the access token belongs to " + who + ", not to the configured user_id";
    return e;
}

}  // namespace

Auth::Auth(const MatrixConfig& config, Secret secret, BotStore& store, std::shared_ptr<spdlog::logger> log)
    : config_(config), secret_(std::move(secret)), store_(store), log_(std::move(log)) {}

std::string Auth::token() const {
    const std::lock_guard lock(mutex_);
    return token_;
}

tl::expected<std::string, ApiError> Auth::login(ClientApi& api) {
    const auto device = store_.get("device_id");
    auto result = api.login(config_.user_id, secret_.value, device, config_.device_name);
    if (!result) return tl::unexpected(result.error());
    if (result->user_id != config_.user_id) return tl::unexpected(wrong_user(result->user_id));
    store_.put("access_token", result->access_token);
    store_.put("device_id", result->device_id);
    store_.put("token_owner", owner_key(config_));
    if (log_) log_->info("matrix: logged in with a password, device {}", result->device_id);
    return result->access_token;
}

tl::expected<std::string, ApiError> Auth::start(ClientApi& api, bool verify_password) {
    const std::lock_guard lock(mutex_);
    std::string candidate;
    if (secret_.kind == Secret::Kind::access_token) {
        candidate = secret_.value;
    } else if (!verify_password && store_.get("token_owner") == owner_key(config_)) {
        candidate = store_.get("access_token");
    }
    if (!candidate.empty()) {
        api.set_access_token(candidate);
        auto who = api.whoami();
        if (who && who->user_id != config_.user_id) return tl::unexpected(wrong_user(who->user_id));
        if (who) {
            token_ = candidate;
            if (log_) log_->info("matrix: access token accepted (device {})", who->device_id);
            return token_;
        }
        if (who.error().kind != ApiError::Kind::unknown_token || secret_.kind == Secret::Kind::access_token) {
            return tl::unexpected(who.error());
        }
    }
    auto fresh = login(api);
    if (fresh) token_ = *fresh;
    return fresh;
}

tl::expected<std::string, ApiError> Auth::renew(ClientApi& api, const std::string& rejected) {
    const std::lock_guard lock(mutex_);
    if (token_ != rejected) return token_;  // another thread already logged in again
    if (secret_.kind == Secret::Kind::access_token) {
        ApiError e;
        e.kind = ApiError::Kind::unknown_token;
        e.message =
            "the homeserver no longer accepts the access token (M_UNKNOWN_TOKEN) and no password is "
            "configured — give a new access_token_file/access_token_env or a password";
        return tl::unexpected(e);
    }
    store_.erase_key("access_token");
    if (log_) log_->warn("matrix: the access token was refused; logging in again");
    auto fresh = login(api);
    if (fresh) token_ = *fresh;
    return fresh;
}

}  // namespace reframe::matrix
