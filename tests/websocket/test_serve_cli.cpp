// `reframe serve` as a process: bad configs and flags end with a clear error and exit 1;
// SIGTERM after a conversation ends with exit 0.
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_runner.hpp"
#include "ws_client.hpp"

using namespace reframe::testing;

TEST_CASE("serve CLI: a bad config or flag is a clear error and exit 1", "[serve][cli]") {
    TempDir dir;
    dir.write("typo.yaml", "listen: 127.0.0.1:0\nlimits:\n  max_conections: 5\n");
    auto run = run_reframe("serve --config '" + dir.file("typo.yaml").string() + "'", "", dir);
    CHECK(run.status == 1);
    CHECK_THAT(run.err, Catch::Contains("typo.yaml:3:3: error: unknown key 'limits.max_conections'"));

    run = run_reframe("serve --config '" + dir.file("missing.yaml").string() + "'", "", dir);
    CHECK(run.status == 1);
    CHECK_THAT(run.err, Catch::Contains("cannot read the config file"));

    run = run_reframe("serve --listen localhost --db :memory:", "", dir);
    CHECK(run.status == 1);
    CHECK_THAT(run.err, Catch::Contains("listen must be HOST:PORT"));

    run = run_reframe("serve --listen nowhere:8080 --db :memory:", "", dir);
    CHECK(run.status == 1);
    CHECK_THAT(run.err, Catch::Contains("not an IP address"));

    run = run_reframe("serve --listen 127.0.0.1:0 --db :memory: --tls-cert '" + dir.file("c.pem").string() + "'", "",
                      dir);
    CHECK(run.status == 1);
    CHECK_THAT(run.err, Catch::Contains("tls needs both cert and key"));

    run = run_reframe("serve --listen 127.0.0.1:0 --db :memory: --locale atlantis", "", dir);
    CHECK(run.status == 1);
    CHECK_THAT(run.err, Catch::Contains("unknown locale"));

    run = run_reframe("serve --help", "", dir);
    CHECK(run.status == 0);
    CHECK_THAT(run.out, Catch::Contains("--listen"));
}

namespace {

/// `reframe serve` in the background, its stderr in a file.
class ServeProcess {
public:
    explicit ServeProcess(const TempDir& dir, std::vector<std::string> extra = {})
        : err_path_(dir.file("serve.err").string()) {
        std::vector<std::string> args{"reframe", "serve", "--listen", "127.0.0.1:0", "--db", ":memory:", "--no-watch"};
        args.insert(args.end(), extra.begin(), extra.end());
        std::vector<char*> argv;
        for (auto& arg : args) argv.push_back(arg.data());
        argv.push_back(nullptr);
        pid_ = fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            const int fd = open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            dup2(fd, STDERR_FILENO);
            execv(REFRAME_BINARY, argv.data());
            _exit(127);
        }
    }

    void signal(int number) { kill(pid_, number); }
    ~ServeProcess() {
        if (pid_ > 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
    }

    /// The port from the "listening on" line (waits up to 20 s).
    unsigned short port() {
        const std::regex listening{R"(listening on http://127\.0\.0\.1:(\d+)/)"};
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (std::chrono::steady_clock::now() < deadline) {
            std::smatch m;
            const auto err = slurp(err_path_);
            if (std::regex_search(err, m, listening)) return static_cast<unsigned short>(std::stoi(m[1]));
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        FAIL("reframe serve did not start: " << slurp(err_path_));
        return 0;
    }

    /// SIGTERM, then the exit status (waits up to 20 s).
    int terminate() {
        kill(pid_, SIGTERM);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        int status = 0;
        while (std::chrono::steady_clock::now() < deadline) {
            if (waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return -2;
    }

private:
    std::string err_path_;
    pid_t pid_ = -1;
};

}  // namespace

TEST_CASE("serve CLI: SIGTERM closes the open connection with 1001 and exits 0", "[serve][cli]") {
    TempDir dir;
    ServeProcess serve{dir};
    const auto port = serve.port();
    WsClient<> client{port};
    client.say("2");
    CHECK(client.next()["type"] == "reply");
    CHECK(http_get(port, "/healthz").result() == http::status::ok);
    std::thread stopper([&] { CHECK(serve.terminate() == 0); });
    CHECK(client.next()["code"] == "shutting_down");
    CHECK_FALSE(client.read());
    CHECK(client.close_code() == 1001);
    stopper.join();
}

TEST_CASE("serve CLI: SIGHUP reloads the flows; a new hello sees the new help link", "[serve][cli]") {
    TempDir dir;
    const auto flows = dir.file("flows");
    std::filesystem::copy(std::string{REFRAME_SOURCE_DIR} + "/dialogues", flows,
                          std::filesystem::copy_options::recursive);
    ServeProcess serve{dir, {"--flows", flows.string()}};
    const auto port = serve.port();
    const auto help_url = [&] {
        WsClient<> client{port};
        client.write(R"({"type":"hello"})");
        const auto url = client.next()["help"]["url"].get<std::string>();
        client.close();
        return url;
    };
    CHECK(help_url() == "https://findahelpline.com");
    auto resources = slurp((flows / "resources.yaml").string());
    const auto at = resources.find("https://findahelpline.com");
    REQUIRE(at != std::string::npos);
    resources.replace(at, std::string{"https://findahelpline.com"}.size(), "https://help.example.org");
    std::ofstream((flows / "resources.yaml").string(), std::ios::binary) << resources;
    serve.signal(SIGHUP);
    std::string url;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while ((url = help_url()) != "https://help.example.org" && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    CHECK(url == "https://help.example.org");
    CHECK(serve.terminate() == 0);
}
