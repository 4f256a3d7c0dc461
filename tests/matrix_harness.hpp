#pragma once
// The Matrix bot's integration harness: the fake homeserver (tests/matrix/fake_homeserver.py)
// as a child process on 127.0.0.1, the bot in-process on the bundled dialogues, and a
// reference engine that says what each reply must be.

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "bot.hpp"
#include "bot_store.hpp"
#include "bundled.hpp"
#include "http_client.hpp"
#include "reframe/engine.hpp"
#include "temp_dir.hpp"

namespace reframe::testing {

using namespace std::chrono_literals;

inline const std::string bot_id = "@bot:localhost";
inline const std::string bot_password = "bot-password";

/// The fake homeserver, started on construction and killed on destruction.
class FakeHomeserver {
public:
    explicit FakeHomeserver(std::string state_file = {}, int port = 0) : state_(std::move(state_file)) { start(port); }
    ~FakeHomeserver() { kill(); }
    FakeHomeserver(const FakeHomeserver&) = delete;
    FakeHomeserver& operator=(const FakeHomeserver&) = delete;

    int port() const { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

    /// Kills the server (as a crash would) and starts it again on the same port.
    void restart() {
        kill();
        start(port_);
    }

    void kill() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
        client_.reset();
    }

    nlohmann::json control(const std::string& method, const std::string& path, const nlohmann::json& body = {}) {
        if (!client_)
            client_ =
                std::make_unique<matrix::HttpClient>(matrix::BaseUrl{false, "127.0.0.1", std::to_string(port_), ""});
        matrix::HttpRequest request;
        request.method = method;
        request.target = "/_test/" + path;
        request.body = body.is_null() ? std::string{} : body.dump();
        request.timeout = 10s;
        auto response = client_->perform(request);
        REQUIRE(response);
        REQUIRE(response->status == 200);
        return nlohmann::json::parse(response->body);
    }

    std::string create_dm(const std::string& person, bool encrypted = false) {
        return control(
            "POST", "create_room",
            {{"creator", person}, {"invite", {bot_id}}, {"is_direct", true}, {"encrypted", encrypted}})["room_id"];
    }
    std::string say(const std::string& room, const std::string& person, const std::string& text) {
        return control("POST", "send", {{"room_id", room}, {"sender", person}, {"body", text}})["event_id"];
    }
    /// Every m.room.message in `room` (all senders), oldest first.
    std::vector<nlohmann::json> messages(const std::string& room) {
        auto all = control("GET", "messages?room_id=" + matrix::url_encode(room))["events"];
        return {all.begin(), all.end()};
    }
    /// The bodies the bot sent in `room`.
    std::vector<std::string> bot_bodies(const std::string& room) {
        std::vector<std::string> out;
        for (const auto& e : messages(room)) {
            if (e["sender"] == bot_id) out.push_back(e["content"]["body"]);
        }
        return out;
    }
    std::string membership(const std::string& room, const std::string& user) {
        auto rooms = control("GET", "rooms")["rooms"];
        return rooms[room]["members"].value(user, "");
    }

private:
    void start(int port) {
        int fds[2];
        REQUIRE(::pipe(fds) == 0);
        const std::string script = std::string(REFRAME_TEST_DATA) + "/matrix/fake_homeserver.py";
        std::vector<std::string> args{REFRAME_PYTHON,       script,   "--port",
                                      std::to_string(port), "--user", bot_id + "=" + bot_password};
        if (!state_.empty()) args.insert(args.end(), {"--state", state_});
        pid_ = ::fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            ::dup2(fds[1], STDOUT_FILENO);
            ::close(fds[0]);
            ::close(fds[1]);
            std::vector<char*> argv;
            for (auto& a : args) argv.push_back(a.data());
            argv.push_back(nullptr);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        ::close(fds[1]);
        std::string line;
        pollfd p{fds[0], POLLIN, 0};
        const auto deadline = std::chrono::steady_clock::now() + 20s;
        while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
            if (::poll(&p, 1, 200) <= 0) continue;
            char buffer[64];
            const auto n = ::read(fds[0], buffer, sizeof buffer);
            if (n <= 0) break;
            line.append(buffer, static_cast<std::size_t>(n));
        }
        ::close(fds[0]);
        REQUIRE(line.find('\n') != std::string::npos);
        port_ = std::stoi(line);
    }

    std::string state_;
    pid_t pid_ = -1;
    int port_ = 0;
    std::unique_ptr<matrix::HttpClient> client_;
};

/// A config for the bot against `server`, quick to back off, without typing pauses.
inline matrix::MatrixConfig test_config(const FakeHomeserver& server, const std::string& db) {
    matrix::MatrixConfig c;
    c.homeserver = server.url();
    c.user_id = bot_id;
    c.password_env = "REFRAME_TEST_UNUSED";
    c.allowed_servers = {"localhost"};
    c.db = db;
    c.max_pause_ms = 0;
    c.sync_timeout_ms = 2000;
    c.backoff_cap_ms = 400;
    c.request_timeout_ms = 5000;
    c.rate_limit = 0;
    return c;
}

/// The bot on its own thread, with its engine and store in `dir`.
class BotRunner {
public:
    BotRunner(matrix::MatrixConfig config, matrix::Secret secret = {matrix::Secret::Kind::password, bot_password}) {
        auto store = matrix::BotStore::open(config.db);
        REQUIRE(store);
        store_ = std::move(*store);
        auto sessions = open_session_store({config.db});
        REQUIRE(sessions);
        EngineOptions options;
        options.rate_per_minute = 0;
        engine_ = std::make_unique<Engine>(bundled(), std::move(*sessions), options);
        bot_ = std::make_unique<matrix::Bot>(std::move(config), std::move(secret), *engine_, *store_, nullptr);
        thread_ = std::thread([this] { code_ = bot_->run(); });
    }
    ~BotRunner() { stop(); }
    BotRunner(const BotRunner&) = delete;
    BotRunner& operator=(const BotRunner&) = delete;

    /// SIGTERM's path: finish what is in flight, return.
    int stop() {
        if (thread_.joinable()) {
            bot_->stop();
            thread_.join();
        }
        return code_;
    }
    /// Waits (bounded) for run() to return by itself.
    bool wait_exit(std::chrono::milliseconds limit) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!finished_() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(20ms);
        return finished_();
    }
    matrix::BotStore& store() { return *store_; }
    matrix::Bot& bot() { return *bot_; }

    /// Waits until the bot has answered (or deliberately not answered) `event_id`.
    bool wait_handled(const std::string& event_id, std::chrono::milliseconds limit = 30s) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!store_->handled(event_id)) {
            if (std::chrono::steady_clock::now() > deadline) return false;
            std::this_thread::sleep_for(20ms);
        }
        return true;
    }

private:
    bool finished_() const { return code_ != -1; }

    std::unique_ptr<matrix::BotStore> store_;
    std::unique_ptr<Engine> engine_;
    std::unique_ptr<matrix::Bot> bot_;
    std::atomic<int> code_{-1};
    std::thread thread_;
};

/// What the engine itself answers a person, turn by turn: the bodies a Matrix reply
/// must carry (options numbered under the last message).
class ReferenceEngine {
public:
    ReferenceEngine() {
        EngineOptions options;
        options.rate_per_minute = 0;
        engine_ = std::make_unique<Engine>(bundled(), *open_session_store({":memory:"}), options);
    }
    std::vector<std::string> bodies(const std::string& mxid, const std::string& text, Reply* out = nullptr) {
        auto reply = engine_->respond("matrix:" + mxid, text);
        REQUIRE(reply);
        if (out) *out = *reply;
        std::vector<std::string> result = reply->messages;
        if (!reply->options.empty()) {
            if (result.empty()) result.emplace_back();
            std::string& last = result.back();
            if (!last.empty()) last += "\n\n";
            for (std::size_t i = 0; i < reply->options.size(); ++i) {
                last += std::to_string(i + 1) + ". " + reply->options[i] + (i + 1 < reply->options.size() ? "\n" : "");
            }
        }
        return result;
    }
    Engine& engine() { return *engine_; }

private:
    std::unique_ptr<Engine> engine_;
};

}  // namespace reframe::testing
