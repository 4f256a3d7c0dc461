#pragma once
/// The bot's access token, shared by every thread: logs in with the password (keeping the
/// token and device id in the BotStore, so a restart reuses them) or uses the given
/// token; logs in again when the homeserver forgets the token and a password is known.
///
/// Thread-safety: every method may be called from any thread; one login at a time.

#include <mutex>
#include <string>

#include <spdlog/fwd.h>
#include <tl/expected.hpp>

#include "bot_store.hpp"
#include "client_api.hpp"
#include "config.hpp"

namespace reframe::matrix {

class Auth {
public:
    Auth(const MatrixConfig& config, Secret secret, BotStore& store, std::shared_ptr<spdlog::logger> log);

    /// A working token: the stored one (checked with /whoami), the configured one, or a new
    /// login. A sentence when none can be had (wrong password, unknown token, …).
    /// With `verify_password`, a configured password is always used to log in (on the
    /// device already known), so that --check proves the password, not a stored token.
    tl::expected<std::string, ApiError> start(ClientApi& api, bool verify_password = false);

    /// The token to use now.
    std::string token() const;

    /// `rejected` was refused as unknown: a new token (logging in again when a password is
    /// configured; another thread may already have done so), or the error to stop with.
    tl::expected<std::string, ApiError> renew(ClientApi& api, const std::string& rejected);

private:
    tl::expected<std::string, ApiError> login(ClientApi& api);

    const MatrixConfig& config_;
    Secret secret_;
    BotStore& store_;
    std::shared_ptr<spdlog::logger> log_;
    mutable std::mutex mutex_;
    std::string token_;
};

}  // namespace reframe::matrix
