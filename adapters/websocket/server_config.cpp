#include "server_config.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <map>

#include <yaml-cpp/yaml.h>

namespace reframe::websocket {
namespace {

/// Thrown inside the reader only; load_server_config turns it into an error value.
struct ConfigError {
    std::string message;
};

class ConfigReader {
public:
    ConfigReader(std::string file, ServerConfig& config) : file_(std::move(file)), config_(config) {}

    void read(const YAML::Node& root) {
        if (root.IsNull()) return;
        if (!root.IsMap()) fail(root, "the config must be a mapping of keys (see docs/serve.example.yaml)");
        for (const auto& entry : root) top_level(entry.first.as<std::string>(), entry.second, entry.first);
    }

private:
    std::string file_;
    ServerConfig& config_;

    [[noreturn]] void fail(const YAML::Node& node, const std::string& what) const {
        const auto mark = node.Mark();
        throw ConfigError{file_ + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1) +
                          ": error: " + what};
    }

    std::string text(const YAML::Node& node, const std::string& key) const {
        if (!node.IsScalar()) fail(node, key + " must be a text");
        return node.as<std::string>();
    }

    double number(const YAML::Node& node, const std::string& key, double min) const {
        double value = 0;
        if (!node.IsScalar() || !YAML::convert<double>::decode(node, value) || !std::isfinite(value) || value < min) {
            fail(node, key + " must be a number ≥ " + std::to_string(static_cast<long long>(min)));
        }
        return value;
    }

    long long whole(const YAML::Node& node, const std::string& key, long long min, long long max) const {
        const double value = number(node, key, static_cast<double>(min));
        if (value != std::floor(value) || value > static_cast<double>(max)) {
            fail(node, key + " must be a whole number from " + std::to_string(min) + " to " + std::to_string(max));
        }
        return static_cast<long long>(value);
    }

    bool flag(const YAML::Node& node, const std::string& key) const {
        bool value = false;
        if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) fail(node, key + " must be true or false");
        return value;
    }

    void top_level(const std::string& key, const YAML::Node& value, const YAML::Node& key_node) {
        if (key == "listen") {
            if (auto ok = parse_listen(text(value, key), config_); !ok) fail(value, ok.error());
        } else if (key == "flows") {
            config_.flows = text(value, key);
        } else if (key == "db") {
            config_.db = text(value, key);
        } else if (key == "locale") {
            config_.locale = text(value, key);
        } else if (key == "allowed_origins") {
            origins(value);
        } else if (key == "network_threads") {
            config_.network_threads = static_cast<unsigned>(whole(value, key, 1, 64));
        } else if (key == "turn_threads") {
            config_.turn_threads = static_cast<unsigned>(whole(value, key, 1, 64));
        } else if (key == "watch_flows") {
            config_.watch_flows = flag(value, key);
        } else if (key == "tls") {
            tls(value);
        } else if (key == "limits") {
            limits(value);
        } else {
            fail(key_node, "unknown key '" + key +
                               "' — the keys are listen, flows, db, locale, allowed_origins, network_threads, "
                               "turn_threads, watch_flows, tls, limits");
        }
    }

    void origins(const YAML::Node& value) {
        if (!value.IsSequence()) fail(value, "allowed_origins must be a list, e.g. [\"https://chat.example.org\"]");
        config_.allowed_origins.clear();
        for (const auto& item : value) {
            auto origin = text(item, "an allowed origin");
            if (!origin.starts_with("http://") && !origin.starts_with("https://")) {
                fail(item, "an allowed origin starts with http:// or https://, e.g. https://chat.example.org");
            }
            while (origin.ends_with('/')) origin.pop_back();
            config_.allowed_origins.push_back(std::move(origin));
        }
    }

    void tls(const YAML::Node& value) {
        if (!value.IsMap()) fail(value, "tls must be a mapping with cert and key");
        for (const auto& entry : value) {
            const auto key = entry.first.as<std::string>();
            if (key == "cert") {
                config_.tls.cert = text(entry.second, "tls.cert");
            } else if (key == "key") {
                config_.tls.key = text(entry.second, "tls.key");
            } else {
                fail(entry.first, "unknown key 'tls." + key + "' — the keys are cert and key");
            }
        }
    }

    RateSettings rate(const YAML::Node& value, const std::string& key) const {
        if (!value.IsMap()) fail(value, key + " must be a mapping with per_minute and burst");
        RateSettings rate{0, -1};
        for (const auto& entry : value) {
            const auto name = entry.first.as<std::string>();
            if (name == "per_minute") {
                rate.per_minute = number(entry.second, key + ".per_minute", 0);
            } else if (name == "burst") {
                rate.burst = number(entry.second, key + ".burst", 1);
            } else {
                fail(entry.first, "unknown key '" + key + "." + name + "' — the keys are per_minute and burst");
            }
        }
        if (rate.burst < 0) rate.burst = std::max(1.0, rate.per_minute / 4);  // a quarter minute's worth
        return rate;
    }

    void limits(const YAML::Node& value);
};

void ConfigReader::limits(const YAML::Node& value) {
    if (!value.IsMap()) fail(value, "limits must be a mapping (see docs/serve.example.yaml)");
    auto& limits = config_.limits;
    const auto seconds = [&](const YAML::Node& node, const std::string& key) {
        return std::chrono::seconds{whole(node, key, 1, 365LL * 24 * 3600)};
    };
    using Setter = std::function<void(const YAML::Node&, const std::string&)>;
    const std::map<std::string, Setter> setters{
        {"max_message_bytes",
         [&](auto& n, auto& k) { limits.max_message_bytes = static_cast<std::size_t>(whole(n, k, 64, 1 << 24)); }},
        {"max_connections",
         [&](auto& n, auto& k) { limits.max_connections = static_cast<std::size_t>(whole(n, k, 1, 1'000'000)); }},
        {"idle_timeout_seconds", [&](auto& n, auto& k) { limits.idle_timeout = seconds(n, k); }},
        {"ping_interval_seconds", [&](auto& n, auto& k) { limits.ping_interval = seconds(n, k); }},
        {"shutdown_grace_seconds", [&](auto& n, auto& k) { limits.shutdown_grace = seconds(n, k); }},
        {"per_connection", [&](auto& n, auto& k) { limits.per_connection = rate(n, k); }},
        {"per_ip", [&](auto& n, auto& k) { limits.per_ip = rate(n, k); }},
        {"engine_rate_per_minute", [&](auto& n, auto& k) { limits.engine_rate_per_minute = number(n, k, 0); }},
        {"queue_limit",
         [&](auto& n, auto& k) { limits.queue_limit = static_cast<std::size_t>(whole(n, k, 1, 1'000'000)); }},
    };
    for (const auto& entry : value) {
        const auto key = entry.first.as<std::string>();
        const auto setter = setters.find(key);
        if (setter == setters.end()) {
            std::string known;
            for (const auto& [name, _] : setters) known += (known.empty() ? "" : ", ") + name;
            fail(entry.first, "unknown key 'limits." + key + "' — the keys are " + known);
        }
        setter->second(entry.second, "limits." + key);
    }
}

}  // namespace

tl::expected<void, std::string> parse_listen(const std::string& listen, ServerConfig& config) {
    const auto colon = listen.rfind(':');
    if (colon == std::string::npos) {
        return tl::unexpected("listen must be HOST:PORT, e.g. 127.0.0.1:8080 (got '" + listen + "')");
    }
    std::string host = listen.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    const auto port_text = listen.substr(colon + 1);
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || port > 65535 || port_text.empty()) {
        return tl::unexpected("the port in listen must be a number from 0 to 65535 (got '" + port_text + "')");
    }
    config.host = host.empty() ? "127.0.0.1" : host;
    config.port = static_cast<unsigned short>(port);
    return {};
}

tl::expected<ServerConfig, std::string> load_server_config(const std::filesystem::path& path, ServerConfig config) {
    try {
        ConfigReader{path.string(), config}.read(YAML::LoadFile(path.string()));
    } catch (const ConfigError& e) {
        return tl::unexpected(e.message);
    } catch (const YAML::BadFile&) {
        return tl::unexpected(path.string() + ": error: cannot read the config file — check the path");
    } catch (const YAML::Exception& e) {
        return tl::unexpected(path.string() + ":" + std::to_string(e.mark.line + 1) + ":" +
                              std::to_string(e.mark.column + 1) + ": error: not valid YAML: " + e.msg);
    }
    return config;
}

std::string check_server_config(const ServerConfig& config) {
    if (config.tls.enabled() && (config.tls.cert.empty() || config.tls.key.empty())) {
        return "tls needs both cert and key";
    }
    if (config.limits.per_connection.per_minute > 0 && config.limits.per_connection.burst < 1) {
        return "limits.per_connection.burst must be at least 1";
    }
    if (config.limits.per_ip.per_minute > 0 && config.limits.per_ip.burst < 1) {
        return "limits.per_ip.burst must be at least 1";
    }
    return {};
}

}  // namespace reframe::websocket
