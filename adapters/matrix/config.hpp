#pragma once
/// The Matrix bot's configuration file (YAML): where the homeserver is, who the bot is,
/// where its secret comes from, who may talk to it and how it answers.
/// docs/matrix.example.yaml documents every key.
///
/// Thread-safety: a MatrixConfig is a plain value.

#include <chrono>
#include <string>
#include <vector>

#include <tl/expected.hpp>

namespace reframe::matrix {

/// What to do with an invite from someone not on the allow-list.
enum class InvitePolicy { reject, ignore };

/// Whether the bot answers in rooms with more than two members.
enum class GroupPolicy { ignore, mention };

struct MatrixConfig {
    std::string homeserver;  // http://… or https://…
    std::string user_id;     // "@bot:example.org"
    std::string password_file, password_env, access_token_file, access_token_env;
    std::string device_name = "reframe";
    std::vector<std::string> allowed_users;    // exact Matrix ids
    std::vector<std::string> allowed_servers;  // server names: the part after the first ':'
    std::string db;                            // SQLite file shared with the engine's sessions
    std::string flows;                         // empty: the bundled dialogues
    std::string locale;                        // of the safety resources; empty: the default
    InvitePolicy invites = InvitePolicy::reject;
    GroupPolicy group_rooms = GroupPolicy::ignore;
    std::string msgtype = "m.notice";
    int max_pause_ms = 4000;              // the longest typing pause before one message
    int workers = 4;                      // people answered in parallel
    int sync_timeout_ms = 30000;          // long-poll time of /sync
    int backoff_cap_ms = 60000;           // the longest wait between retries
    int request_timeout_ms = 20000;       // of every request but /sync (which adds sync_timeout_ms)
    double rate_limit = 30;               // messages a minute per person (0: none)
    bool reminders = true;                // daily check-in reminders people ask for with !remind
    int reminder_utc_offset_minutes = 0;  // the clock reminders are told in (0: UTC)
};

/// The secret the bot logs in with: a password (then the bot logs in and keeps the token it
/// gets in its database) or a ready access token.
struct Secret {
    enum class Kind { password, access_token } kind = Kind::password;
    std::string value;
};

/// Reads and checks `path`. Errors read `path:line:col: error: what — how to fix it` (or
/// `path: error: …` when there is no place in the file to point at).
tl::expected<MatrixConfig, std::string> load_config(const std::string& path);

/// Parses and checks YAML text; `name` stands for the file in error messages.
tl::expected<MatrixConfig, std::string> parse_config(const std::string& text, const std::string& name);

/// Reads the secret from its file (first line, trimmed) or environment variable.
tl::expected<Secret, std::string> read_secret(const MatrixConfig& config);

/// The server name of a Matrix id: "@alice:example.org" -> "example.org"; "" when malformed.
std::string server_of(const std::string& mxid);

/// True for "@localpart:server" (the shape of a user id).
bool is_user_id(const std::string& text);

/// True when the config's allow-list lets `mxid` talk to the bot.
bool is_allowed(const MatrixConfig& config, const std::string& mxid);

}  // namespace reframe::matrix
