#include "config.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include <yaml-cpp/yaml.h>

namespace reframe::matrix {
namespace {

/// Thrown inside parsing only; carries the finished message.
struct ConfigError {
    std::string message;
};

std::string place(const std::string& name, const YAML::Node& node) {
    const auto mark = node.Mark();
    if (mark.line < 0) return name + ": error: ";
    return name + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1) + ": error: ";
}

template <class T>
T scalar(const std::string& name, const std::string& key, const YAML::Node& node, const char* expected) {
    try {
        if (!node.IsScalar()) throw YAML::Exception(node.Mark(), "not a scalar");
        return node.as<T>();
    } catch (const YAML::Exception&) {
        throw ConfigError{place(name, node) + "'" + key + "' must be " + expected};
    }
}

std::vector<std::string> string_list(const std::string& name, const std::string& key, const YAML::Node& node) {
    if (!node.IsSequence()) throw ConfigError{place(name, node) + "'" + key + "' must be a list, e.g. [\"a\", \"b\"]"};
    std::vector<std::string> out;
    for (const auto& item : node) out.push_back(scalar<std::string>(name, key, item, "a list of strings"));
    return out;
}

int bounded_int(const std::string& name, const std::string& key, const YAML::Node& node, int low, int high) {
    const auto value = scalar<long long>(name, key, node, "a whole number");
    if (value < low || value > high) {
        throw ConfigError{place(name, node) + "'" + key + "' must be between " + std::to_string(low) + " and " +
                          std::to_string(high)};
    }
    return static_cast<int>(value);
}

using Setter = std::function<void(MatrixConfig&, const std::string&, const YAML::Node&)>;

Setter text(std::string MatrixConfig::*field) {
    return [field](MatrixConfig& c, const std::string& n, const YAML::Node& v) {
        c.*field = scalar<std::string>(n, "", v, "a string");
    };
}

Setter number(int MatrixConfig::*field, int low, int high, std::string key) {
    return [=](MatrixConfig& c, const std::string& n, const YAML::Node& v) {
        c.*field = bounded_int(n, key, v, low, high);
    };
}

const std::map<std::string, Setter>& setters() {
    static const std::map<std::string, Setter> table{
        {"homeserver", text(&MatrixConfig::homeserver)},
        {"user_id", text(&MatrixConfig::user_id)},
        {"password_file", text(&MatrixConfig::password_file)},
        {"password_env", text(&MatrixConfig::password_env)},
        {"access_token_file", text(&MatrixConfig::access_token_file)},
        {"access_token_env", text(&MatrixConfig::access_token_env)},
        {"device_name", text(&MatrixConfig::device_name)},
        {"db", text(&MatrixConfig::db)},
        {"flows", text(&MatrixConfig::flows)},
        {"locale", text(&MatrixConfig::locale)},
        {"msgtype", text(&MatrixConfig::msgtype)},
        {"allowed_users", [](MatrixConfig& c, const std::string& n,
                             const YAML::Node& v) { c.allowed_users = string_list(n, "allowed_users", v); }},
        {"allowed_servers", [](MatrixConfig& c, const std::string& n,
                               const YAML::Node& v) { c.allowed_servers = string_list(n, "allowed_servers", v); }},
        {"invites",
         [](MatrixConfig& c, const std::string& n, const YAML::Node& v) {
             const auto s = scalar<std::string>(n, "invites", v, "reject or ignore");
             if (s != "reject" && s != "ignore") throw ConfigError{place(n, v) + "'invites' must be reject or ignore"};
             c.invites = s == "reject" ? InvitePolicy::reject : InvitePolicy::ignore;
         }},
        {"group_rooms",
         [](MatrixConfig& c, const std::string& n, const YAML::Node& v) {
             const auto s = scalar<std::string>(n, "group_rooms", v, "ignore or mention");
             if (s != "ignore" && s != "mention") {
                 throw ConfigError{place(n, v) + "'group_rooms' must be ignore or mention"};
             }
             c.group_rooms = s == "ignore" ? GroupPolicy::ignore : GroupPolicy::mention;
         }},
        {"max_pause_ms", number(&MatrixConfig::max_pause_ms, 0, 30000, "max_pause_ms")},
        {"workers", number(&MatrixConfig::workers, 1, 64, "workers")},
        {"sync_timeout_ms", number(&MatrixConfig::sync_timeout_ms, 0, 120000, "sync_timeout_ms")},
        {"backoff_cap_ms", number(&MatrixConfig::backoff_cap_ms, 100, 3600000, "backoff_cap_ms")},
        {"request_timeout_ms", number(&MatrixConfig::request_timeout_ms, 1000, 300000, "request_timeout_ms")},
        {"reminder_utc_offset_minutes",
         number(&MatrixConfig::reminder_utc_offset_minutes, -14 * 60, 14 * 60, "reminder_utc_offset_minutes")},
        {"rate_limit",
         [](MatrixConfig& c, const std::string& n, const YAML::Node& v) {
             c.rate_limit = scalar<double>(n, "rate_limit", v, "a number of messages a minute");
             if (c.rate_limit < 0) throw ConfigError{place(n, v) + "'rate_limit' must not be negative"};
         }},
        {"reminders", [](MatrixConfig& c, const std::string& n,
                         const YAML::Node& v) { c.reminders = scalar<bool>(n, "reminders", v, "true or false"); }},
    };
    return table;
}

void check_required(const MatrixConfig& c, const std::string& name) {
    const auto fail = [&](const std::string& what) { throw ConfigError{name + ": error: " + what}; };
    if (c.homeserver.rfind("http://", 0) != 0 && c.homeserver.rfind("https://", 0) != 0) {
        fail("'homeserver' must be an http:// or https:// URL, e.g. homeserver: https://matrix.example.org");
    }
    if (!is_user_id(c.user_id)) fail("'user_id' must be a Matrix user id, e.g. user_id: \"@reframe:example.org\"");
    const int secrets =
        !c.password_file.empty() + !c.password_env.empty() + !c.access_token_file.empty() + !c.access_token_env.empty();
    if (secrets != 1) {
        fail("give exactly one of password_file, password_env, access_token_file or access_token_env");
    }
    if (c.allowed_users.empty() && c.allowed_servers.empty()) {
        fail(
            "nobody may talk to the bot — add allowed_users: [\"@alice:example.org\"] or allowed_servers: "
            "[\"example.org\"]");
    }
    for (const auto& u : c.allowed_users) {
        if (!is_user_id(u)) fail("allowed_users: '" + u + "' is not a Matrix user id like \"@alice:example.org\"");
    }
    if (c.db.empty()) fail("'db' is missing — e.g. db: /var/lib/reframe/reframe.db");
    if (c.msgtype != "m.notice" && c.msgtype != "m.text") fail("'msgtype' must be m.notice or m.text");
}

}  // namespace

std::string server_of(const std::string& mxid) {
    const auto colon = mxid.find(':');
    if (colon == std::string::npos) return {};
    return mxid.substr(colon + 1);
}

bool is_user_id(const std::string& text) {
    const auto colon = text.find(':');
    return text.size() > 3 && text[0] == '@' && colon != std::string::npos && colon > 1 && colon + 1 < text.size() &&
           text.find_first_of(" \t\n") == std::string::npos;
}

bool is_allowed(const MatrixConfig& config, const std::string& mxid) {
    if (!is_user_id(mxid)) return false;
    if (std::find(config.allowed_users.begin(), config.allowed_users.end(), mxid) != config.allowed_users.end()) {
        return true;
    }
    const auto server = server_of(mxid);
    return std::find(config.allowed_servers.begin(), config.allowed_servers.end(), server) !=
           config.allowed_servers.end();
}

tl::expected<MatrixConfig, std::string> parse_config(const std::string& text, const std::string& name) {
    try {
        const YAML::Node root = YAML::Load(text);
        if (!root.IsMap())
            return tl::unexpected(name + ": error: the config must be a map of keys, e.g. homeserver: …");
        MatrixConfig config;
        for (const auto& entry : root) {
            const auto key = entry.first.as<std::string>();
            const auto found = setters().find(key);
            if (found == setters().end()) {
                return tl::unexpected(place(name, entry.first) + "unknown key '" + key +
                                      "' — see docs/matrix.example.yaml for the keys");
            }
            found->second(config, name, entry.second);
        }
        check_required(config, name);
        return config;
    } catch (const ConfigError& e) {
        return tl::unexpected(e.message);
    } catch (const YAML::Exception& e) {
        return tl::unexpected(name + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                              ": error: " + e.msg);
    }
}

tl::expected<MatrixConfig, std::string> load_config(const std::string& path) {
    std::ifstream in(path);
    if (!in) return tl::unexpected(path + ": error: cannot read the config file");
    std::stringstream text;
    text << in.rdbuf();
    return parse_config(text.str(), path);
}

tl::expected<Secret, std::string> read_secret(const MatrixConfig& config) {
    const bool password = !config.password_file.empty() || !config.password_env.empty();
    const auto& file = password ? config.password_file : config.access_token_file;
    const auto& env = password ? config.password_env : config.access_token_env;
    Secret secret;
    secret.kind = password ? Secret::Kind::password : Secret::Kind::access_token;
    if (!file.empty()) {
        std::ifstream in(file);
        if (!in) return tl::unexpected("cannot read the secret file " + file);
        std::getline(in, secret.value);
    } else {
        const char* value = std::getenv(env.c_str());
        if (value == nullptr) return tl::unexpected("the environment variable " + env + " is not set");
        secret.value = value;
    }
    while (!secret.value.empty() && (secret.value.back() == '\r' || secret.value.back() == ' '))
        secret.value.pop_back();
    if (secret.value.empty()) return tl::unexpected("the secret (" + (file.empty() ? env : file) + ") is empty");
    return secret;
}

}  // namespace reframe::matrix
