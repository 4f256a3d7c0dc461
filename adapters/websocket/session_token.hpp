#pragma once
/// Web session tokens: 256 random bits from OpenSSL's CSPRNG, base64url without padding.
/// A token is never stored: the engine's user id is "web:" + hex(SHA-256(token)), so the
/// same token resumes the same engine session, across restarts too.

#include <string>
#include <string_view>

namespace reframe::websocket {

/// A fresh token (43 base64url characters). Throws std::runtime_error when the CSPRNG fails.
std::string new_session_token();

/// True for what new_session_token() makes: 43 characters of [A-Za-z0-9_-].
bool is_well_formed_token(std::string_view token);

/// "web:" + lower-case hex SHA-256 of the token.
std::string user_id_for_token(std::string_view token);

/// A user id for a connection that never said hello: "conn:" + 128 random bits in hex.
std::string connection_user_id();

}  // namespace reframe::websocket
