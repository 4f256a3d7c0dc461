// `reframe matrix` through the built binary: --check, bad configs, SIGTERM.
#include <catch2/catch.hpp>

#include <csignal>

#include "cli_runner.hpp"
#include "matrix_harness.hpp"

using namespace reframe::testing;

namespace {

std::string config_text(const FakeHomeserver& server, const TempDir& dir, const std::string& secret_line) {
    return "homeserver: " + server.url() + "\nuser_id: \"" + bot_id + "\"\n" + secret_line +
           "\nallowed_servers: [localhost]\ndb: " + dir.file("bot.db").string() + "\nmax_pause_ms: 0\n";
}

}  // namespace

TEST_CASE("reframe matrix --check validates the config and logs in", "[matrix][cli]") {
    FakeHomeserver server;
    TempDir dir;
    dir.write("password", bot_password + "\n");
    dir.write("bot.yaml", config_text(server, dir, "password_file: " + dir.file("password").string()));
    auto ok = run_reframe("matrix --check --config '" + dir.file("bot.yaml").string() + "'", "", dir);
    CHECK(ok.status == 0);
    CHECK(ok.out.find("can log in as @bot:localhost") != std::string::npos);
    CHECK(ok.err.find(bot_password) == std::string::npos);

    dir.write("wrong", "not-the-password\n");
    dir.write("wrong.yaml", config_text(server, dir, "password_file: " + dir.file("wrong").string()));
    auto wrong = run_reframe("matrix --check --config '" + dir.file("wrong.yaml").string() + "'", "", dir);
    CHECK(wrong.status == 1);
    CHECK(wrong.err.find("M_FORBIDDEN") != std::string::npos);
    CHECK(wrong.err.find("not-the-password") == std::string::npos);
}

TEST_CASE("reframe matrix refuses a bad config with the place and the fix", "[matrix][cli]") {
    TempDir dir;
    dir.write("bad.yaml", "homeserver: https://m.example.org\nuser_id: bot\n");
    auto bad = run_reframe("matrix --config '" + dir.file("bad.yaml").string() + "'", "", dir);
    CHECK(bad.status == 1);
    CHECK(bad.err.find("bad.yaml: error: 'user_id' must be a Matrix user id") != std::string::npos);
    auto missing = run_reframe("matrix --config '" + dir.file("nope.yaml").string() + "'", "", dir);
    CHECK(missing.status == 1);
    CHECK(missing.err.find("cannot read the config file") != std::string::npos);
    auto no_config = run_reframe("matrix", "", dir);
    CHECK(no_config.status != 0);
    CHECK(no_config.err.find("--config") != std::string::npos);
}

TEST_CASE("reframe matrix answers, then stops cleanly on SIGTERM", "[matrix][cli]") {
    FakeHomeserver server;
    TempDir dir;
    dir.write("bot.yaml", config_text(server, dir, "password_env: REFRAME_TEST_MATRIX_PASSWORD"));
    const auto room = server.create_dm("@alice:localhost");
    const auto log = dir.file("bot.log").string();
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::setenv("REFRAME_TEST_MATRIX_PASSWORD", bot_password.c_str(), 1);
        const std::string config = dir.file("bot.yaml").string();
        ::execl(REFRAME_BINARY, REFRAME_BINARY, "matrix", "--config", config.c_str(), "--log-file", log.c_str(),
                "--log-level", "debug", static_cast<char*>(nullptr));
        ::_exit(127);
    }
    const std::string secret_text = "my back hurts and i feel worthless";
    bool answered = false;
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (server.membership(room, bot_id) != "join" && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(50ms);
    }
    server.say(room, "@alice:localhost", secret_text);
    while (!answered && std::chrono::steady_clock::now() < deadline) {
        answered = !server.bot_bodies(room).empty();
        std::this_thread::sleep_for(50ms);
    }
    CHECK(answered);
    ::kill(pid, SIGTERM);
    int status = 0;
    const auto stop_deadline = std::chrono::steady_clock::now() + 15s;
    pid_t done = 0;
    while ((done = ::waitpid(pid, &status, WNOHANG)) == 0 && std::chrono::steady_clock::now() < stop_deadline) {
        std::this_thread::sleep_for(20ms);
    }
    if (done == 0) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
    }
    CHECK(done == pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    const auto text = slurp(log);
    CHECK(text.find("matrix: stopped") != std::string::npos);
    CHECK(text.find("worthless") == std::string::npos);
    CHECK(text.find(bot_password) == std::string::npos);
}
